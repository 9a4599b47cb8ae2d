// Reference CEL benchmark: the cases of bench/cel_cases.h measured with cel-go, written as
// Google-Benchmark-shaped JSON so bench/report.py can pair them with bench/results/cel_bench.json.
//
//	ParseCheck/<case>  env.Compile (parse + check)
//	Plan/<case>        env.Program (cel-go's planning step, default options like kro upstream)
//	Eval/<case>        prg.Eval with a pre-built activation
//
// real_time is wall time; cpu_time is process CPU time (getrusage, all threads, so the
// garbage collector's work counts) per iteration.
//
// Usage: cel-reference OUT.json [-reps N] [-min-time 0.5s]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"syscall"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"
)

type celCase struct{ name, expr string }

// Keep in sync with bench/cel_cases.h.
var cases = []celCase{
	{"field_select", "schema.spec.name"},
	{"string_template", "'x-' + schema.spec.name"},
	{"has_and", "schema.spec.replicas > 0 && has(db.status.endpoint)"},
	{"ternary", "schema.spec.replicas > 2 ? 'large' : 'small'"},
	{"size", "size(items)"},
	{"map_100", "items.map(x, x * 2)"},
	{"filter_100", "items.filter(x, x % 2 == 0)"},
	{"string_int", "string(schema.spec.replicas)"},
	{"format", "'%s-%d'.format([schema.spec.name, schema.spec.replicas])"},
}

const schemaJSON = `{
  "apiVersion": "kro.run/v1alpha1",
  "kind": "WebApp",
  "metadata": {"name": "my-app", "namespace": "default", "uid": "6c1a2f0e-0d5b-4c7e-9a53-1f7e1c2b3d4e",
               "labels": {"app": "my-app", "team": "platform"}},
  "spec": {"name": "my-app", "replicas": 3, "image": "nginx:1.27", "port": 8080,
           "env": {"LOG_LEVEL": "info"}, "ingress": {"enabled": true, "host": "app.example.com"}}
}`

const dbJSON = `{
  "apiVersion": "rds.services.k8s.aws/v1alpha1",
  "kind": "DBInstance",
  "metadata": {"name": "my-app-db", "namespace": "default"},
  "spec": {"engine": "postgres", "dbInstanceClass": "db.t3.micro", "allocatedStorage": 20},
  "status": {"endpoint": "my-app-db.abc123.eu-west-1.rds.amazonaws.com", "port": 5432,
             "dbInstanceStatus": "available"}
}`

// unstructured converts encoding/json output the way apimachinery's unstructured decoding does:
// integral numbers become int64 (as in Kubernetes objects), the rest stays as decoded.
func unstructured(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = unstructured(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = unstructured(e)
		}
		return t
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			return int64(t)
		}
		return t
	default:
		return v
	}
}

func mustDecode(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	return unstructured(v)
}

type gbEntry struct {
	Name          string  `json:"name"`
	RunName       string  `json:"run_name"`
	RunType       string  `json:"run_type"`
	AggregateName string  `json:"aggregate_name,omitempty"`
	Repetitions   int     `json:"repetitions"`
	Iterations    int64   `json:"iterations"`
	RealTime      float64 `json:"real_time"`
	CPUTime       float64 `json:"cpu_time"`
	TimeUnit      string  `json:"time_unit"`
	Label         string  `json:"label,omitempty"`
}

var sink any

// cpuNow is the process CPU time (user + system, every thread: GC work included).
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure calibrates an iteration count so one repetition takes about minTime, then runs reps
// repetitions and returns the per-iteration wall and CPU times in ns.
func measure(minTime time.Duration, reps int, f func()) ([]float64, []float64, int64) {
	n := int64(1)
	for {
		start := time.Now()
		for i := int64(0); i < n; i++ {
			f()
		}
		d := time.Since(start)
		if d >= minTime/10 || n >= 1<<40 {
			per := float64(d) / float64(n)
			n = int64(float64(minTime) / math.Max(per, 1))
			if n < 1 {
				n = 1
			}
			break
		}
		n *= 10
	}
	times := make([]float64, 0, reps)
	cpu := make([]float64, 0, reps)
	for r := 0; r < reps; r++ {
		runtime.GC()
		start, startCPU := time.Now(), cpuNow()
		for i := int64(0); i < n; i++ {
			f()
		}
		times = append(times, float64(time.Since(start))/float64(n))
		cpu = append(cpu, float64(cpuNow()-startCPU)/float64(n))
	}
	return times, cpu, n
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func main() {
	reps := flag.Int("reps", 5, "repetitions")
	minTime := flag.Duration("min-time", 500*time.Millisecond, "time per repetition")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: cel-reference [-reps N] [-min-time D] OUT.json")
		os.Exit(2)
	}
	env, err := cel.NewEnv(
		cel.Variable("schema", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("db", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("items", cel.ListType(cel.IntType)),
		ext.Strings(),
		ext.Lists(),
		cel.OptionalTypes(),
	)
	if err != nil {
		panic(err)
	}
	list := make([]any, 100)
	for i := range list {
		list[i] = int64(i)
	}
	act, err := interpreter.NewActivation(map[string]any{
		"schema": mustDecode(schemaJSON),
		"db":     mustDecode(dbJSON),
		"items":  list,
	})
	if err != nil {
		panic(err)
	}

	var out []gbEntry
	add := func(name string, f func(), label string) {
		times, cpu, n := measure(*minTime, *reps, f)
		for i, t := range times {
			out = append(out, gbEntry{Name: name, RunName: name, RunType: "iteration",
				Repetitions: *reps, Iterations: n, RealTime: t, CPUTime: cpu[i], TimeUnit: "ns",
				Label: label})
		}
		m, mc := median(times), median(cpu)
		out = append(out, gbEntry{Name: name + "_median", RunName: name, RunType: "aggregate",
			AggregateName: "median", Repetitions: *reps, Iterations: int64(*reps), RealTime: m,
			CPUTime: mc, TimeUnit: "ns", Label: label})
		fmt.Printf("%-32s %12.1f ns wall %12.1f ns cpu  (%d iterations x %d)\n", name, m, mc, n, *reps)
	}

	for _, c := range cases {
		expr := c.expr
		add("ParseCheck/"+c.name, func() {
			ast, iss := env.Compile(expr)
			if iss.Err() != nil {
				panic(iss.Err())
			}
			sink = ast
		}, "")
	}
	for _, c := range cases {
		ast, iss := env.Compile(c.expr)
		if iss.Err() != nil {
			panic(iss.Err())
		}
		add("Plan/"+c.name, func() {
			prg, err := env.Program(ast)
			if err != nil {
				panic(err)
			}
			sink = prg
		}, "")
	}
	for _, c := range cases {
		ast, iss := env.Compile(c.expr)
		if iss.Err() != nil {
			panic(iss.Err())
		}
		prg, err := env.Program(ast)
		if err != nil {
			panic(err)
		}
		first, _, err := prg.Eval(act)
		if err != nil {
			panic(fmt.Sprintf("%s: %v", c.expr, err))
		}
		label := fmt.Sprint(first.Value())
		if len(label) > 40 {
			label = label[:40]
		}
		add("Eval/"+c.name, func() {
			v, _, err := prg.Eval(act)
			if err != nil {
				panic(err)
			}
			sink = v
		}, label)
	}

	doc := map[string]any{
		"context": map[string]any{
			"executable": "cel-go " + celGoVersion(),
			"date":       time.Now().UTC().Format(time.RFC3339),
			"num_cpus":   runtime.NumCPU(),
			"go_version": runtime.Version(),
		},
		"benchmarks": out,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(flag.Arg(0), append(b, '\n'), 0o644); err != nil {
		panic(err)
	}
}

func celGoVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == "github.com/google/cel-go" {
				return d.Version
			}
		}
	}
	return "(unknown)"
}

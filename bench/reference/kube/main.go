// Reference for bench/harness/kube.sh: the measurements of bench/tools/kube_loadgen.cc made with
// client-go (dynamic client and dynamic informer, i.e. unstructured objects as kro upstream
// uses for the resources it manages), against the same API server in the same run. Client-side
// rate limiting is disabled (QPS < 0), as in kube_loadgen.
//
//	create_seq      N ConfigMaps created one after another                -> objects/s
//	create_par      N ConfigMaps created by T goroutines                  -> objects/s
//	watch latency   informer add-handler time minus Create() return time  -> p50, p99 (ms)
//	cache bytes     runtime.MemStats.HeapAlloc after GC with a synced informer over N objects,
//	                minus the same before it was created, divided by N    -> bytes/object
//	                (once with client-go's defaults, once with a transform that drops
//	                metadata.managedFields, which is what kro-cpp's informer does by default)
//
// Usage: kube-reference -prefix P [-count N] [-threads T] > result.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

var (
	configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	namespaces = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
)

func configMap(ns string, i int) *unstructured.Unstructured {
	data := map[string]any{}
	for k := 0; k < 4; k++ {
		data["key"+strconv.Itoa(k)] = "value-" + strconv.Itoa(i) + "-" + strconv.Itoa(k) +
			"-abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstu"
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata": map[string]any{
			"name":      "cm-" + strconv.Itoa(i),
			"namespace": ns,
			"labels":    map[string]any{"app": "kro-bench", "index": strconv.Itoa(i)},
		},
		"data": data,
	}}
}

func die(what string, err error) {
	fmt.Fprintf(os.Stderr, "kube-reference: %s: %v\n", what, err)
	os.Exit(1)
}

func createNamespace(c dynamic.Interface, ns string) {
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
	if _, err := c.Resource(namespaces).Create(context.Background(), obj, metav1.CreateOptions{}); err != nil {
		fmt.Fprintf(os.Stderr, "kube-reference: namespace %s: %v\n", ns, err)
	}
}

func createSequential(c dynamic.Interface, ns string, n int) float64 {
	ctx := context.Background()
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := c.Resource(configMaps).Namespace(ns).Create(ctx, configMap(ns, i), metav1.CreateOptions{}); err != nil {
			die("create", err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

func createParallel(c dynamic.Interface, ns string, n, threads int) float64 {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if _, err := c.Resource(configMaps).Namespace(ns).Create(ctx, configMap(ns, i), metav1.CreateOptions{}); err != nil {
					die("create", err)
				}
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	idx := int(p*float64(len(s)-1) + 0.5)
	if idx >= len(s) {
		idx = len(s) - 1
	}
	return s[idx]
}

type latency struct {
	p50, p99, reqP50, reqP99, beforeResponse float64
}

func watchLatency(c dynamic.Interface, ns string, n int) latency {
	var mu sync.Mutex
	seen := map[string]time.Time{}
	done := make(chan struct{})
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(c, 0, ns, nil)
	inf := factory.ForResource(configMaps).Informer()
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: func(obj any) {
		now := time.Now()
		u := obj.(*unstructured.Unstructured)
		mu.Lock()
		seen[u.GetName()] = now
		if len(seen) == n {
			close(done)
		}
		mu.Unlock()
	}}); err != nil {
		die("handler", err)
	}
	stop := make(chan struct{})
	factory.Start(stop)
	if !cache.WaitForCacheSync(stop, inf.HasSynced) {
		die("sync", fmt.Errorf("timeout"))
	}
	issued := make([]time.Time, n)
	returned := make([]time.Time, n)
	ctx := context.Background()
	for i := 0; i < n; i++ {
		obj := configMap(ns, i)
		issued[i] = time.Now()
		_, err := c.Resource(configMaps).Namespace(ns).Create(ctx, obj, metav1.CreateOptions{})
		returned[i] = time.Now()
		if err != nil {
			die("create", err)
		}
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		fmt.Fprintf(os.Stderr, "kube-reference: not every watch event arrived\n")
	}
	close(stop)
	factory.Shutdown()
	mu.Lock()
	defer mu.Unlock()
	var ms, reqMs []float64
	early := 0
	for i := 0; i < n; i++ {
		t, ok := seen["cm-"+strconv.Itoa(i)]
		if !ok {
			continue
		}
		d := float64(t.Sub(returned[i])) / 1e6
		if d < 0 {
			d = 0
			early++
		}
		ms = append(ms, d)
		reqMs = append(reqMs, float64(t.Sub(issued[i]))/1e6)
	}
	frac := 0.0
	if len(ms) > 0 {
		frac = float64(early) / float64(len(ms))
	}
	return latency{percentile(ms, 0.50), percentile(ms, 0.99), percentile(reqMs, 0.50),
		percentile(reqMs, 0.99), frac}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func cacheBytesPerObject(c dynamic.Interface, ns string, n int, stripManagedFields bool) (float64, int) {
	before := heapInUse()
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(c, 0, ns, nil)
	inf := factory.ForResource(configMaps).Informer()
	if stripManagedFields {
		if err := inf.SetTransform(func(obj any) (any, error) {
			if u, ok := obj.(*unstructured.Unstructured); ok {
				u.SetManagedFields(nil)
			}
			return obj, nil
		}); err != nil {
			die("transform", err)
		}
	}
	stop := make(chan struct{})
	factory.Start(stop)
	if !cache.WaitForCacheSync(stop, inf.HasSynced) {
		die("sync", fmt.Errorf("timeout"))
	}
	close(stop)
	factory.Shutdown()
	after := heapInUse()
	cached := len(inf.GetStore().List())
	runtime.KeepAlive(inf)
	return float64(int64(after)-int64(before)) / float64(cached), cached
}

func main() {
	prefix := flag.String("prefix", "ref", "namespace prefix")
	count := flag.Int("count", 1000, "objects per measurement")
	threads := flag.Int("threads", 8, "parallel creators")
	flag.Parse()
	loading := clientcmd.NewDefaultClientConfigLoadingRules()
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(loading, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		die("kubeconfig", err)
	}
	cfg.QPS = -1 // no client-side rate limiting
	cfg.Burst = 0
	c, err := dynamic.NewForConfig(cfg)
	if err != nil {
		die("client", err)
	}
	seqNs, parNs, watchNs := *prefix+"-seq", *prefix+"-par", *prefix+"-watch"
	for _, ns := range []string{seqNs, parNs, watchNs} {
		createNamespace(c, ns)
	}
	seq := createSequential(c, seqNs, *count)
	fmt.Fprintf(os.Stderr, "reference: sequential creates %.1f/s\n", seq)
	par := createParallel(c, parNs, *count, *threads)
	fmt.Fprintf(os.Stderr, "reference: %d-goroutine creates %.1f/s\n", *threads, par)
	lat := watchLatency(c, watchNs, *count)
	fmt.Fprintf(os.Stderr, "reference: watch latency p50 %.2f ms p99 %.2f ms\n", lat.p50, lat.p99)
	bytes, cached := cacheBytesPerObject(c, seqNs, *count, false)
	fmt.Fprintf(os.Stderr, "reference: cache %.0f bytes/object (%d objects)\n", bytes, cached)
	bytesStripped, _ := cacheBytesPerObject(c, seqNs, *count, true)
	fmt.Fprintf(os.Stderr, "reference: cache without managedFields %.0f bytes/object\n", bytesStripped)
	out := map[string]any{
		"create_seq_per_s":                seq,
		"create_par_per_s":                par,
		"threads":                         *threads,
		"count":                           *count,
		"watch_p50_ms":                    lat.p50,
		"watch_p99_ms":                    lat.p99,
		"watch_req_p50_ms":                lat.reqP50,
		"watch_req_p99_ms":                lat.reqP99,
		"watch_before_response":           lat.beforeResponse,
		"cache_bytes_per_object":          bytes,
		"cache_bytes_per_object_stripped": bytesStripped,
		"cache_objects":                   cached,
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

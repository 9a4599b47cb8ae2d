#!/usr/bin/env bash
# Validates every ResourceGraphDefinition document under $KRO_UPSTREAM_EXAMPLES (a checkout of
# upstream kro's examples/) with `kro validate`. Usage: validate_upstream_examples.sh KRO_BINARY
# Prints one line per failing file and a pass/fail count; exits 0 when the variable is unset.
set -u
kro="${1:?usage: $0 path/to/kro}"
[[ -n "${KRO_UPSTREAM_EXAMPLES:-}" ]] || { echo "KRO_UPSTREAM_EXAMPLES not set; skipping"; exit 0; }
pass=0; fail=0
while IFS= read -r f; do
  if "$kro" validate "$f" >/dev/null 2>/tmp/kro-upstream-err.$$; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL $f: $(grep -m1 'error:' /tmp/kro-upstream-err.$$)"
  fi
done < <(grep -rlE '^kind: ResourceGraphDefinition' "$KRO_UPSTREAM_EXAMPLES" --include='*.yaml' | sort)
rm -f /tmp/kro-upstream-err.$$
echo "upstream examples: $pass passed, $fail failed"
[[ $fail -eq 0 ]]

#!/usr/bin/env bash
# Records what `nabla backprop`, `nabla activation`, `nabla optimize` and `nabla regress` print on
# the committed fixtures and examples — stdout, stderr, exit status and every --plot SVG — so two
# builds can be compared byte for byte:
#
#     tools/byte_identical.sh OLD_NABLA /tmp/before
#     tools/byte_identical.sh target/debug/nabla /tmp/after
#     diff -r /tmp/before /tmp/after && echo identical
#
# The atlas's measured cost (ns per element and the ratio to relu) is a timing, not a result: it
# is blanked in the recorded atlas outputs; everything else must match exactly.
set -u
nabla=$(realpath "$1")
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/run" "$work/specs"
cd "$work/run"

# case NAME ARGS...: runs nabla with ARGS, keeping stdout, stderr and the exit status under NAME;
# any plot the run wrote into the working folder is moved beside them.
case_() {
    local name=$1
    shift
    "$nabla" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"
    echo $? >"$out/$name.status"
    for plot in "$work"/run/*; do
        [ -e "$plot" ] && mv "$plot" "$out/$name.$(basename "$plot")"
    done
}

# Blanks the timing columns of an atlas output (text, markdown or JSON).
untime() {
    local file=$1
    python3 - "$file" <<'PY'
import json, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
if text.startswith("{"):
    doc = json.loads(text)
    for row in doc.get("activations", []):
        for key in ("forward_ns_per_element", "backward_ns_per_element", "relative_cost"):
            if key in row:
                row[key] = 0
    if "relu_forward_ns_per_element" in doc.get("timing", {}):
        doc["timing"]["relu_forward_ns_per_element"] = 0
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + "\n"
else:
    lines = []
    for line in text.splitlines():
        line = re.sub(r"\s+[0-9.]+\s+[0-9.]+$", "", line)
        line = re.sub(r"\| [0-9.]+ \| [0-9.]+ \|$", "|", line)
        lines.append(line)
    text = "\n".join(lines) + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
}

# --- nabla backprop: every committed spec, every format; --check, --tape, --digits; bad specs.
for spec in "$root"/crates/cli/tests/fixtures/backprop/specs/*.json; do
    s=$(basename "$spec" .json)
    for format in text json markdown; do
        case_ "backprop-$s-$format" backprop --spec "$spec" --format "$format"
    done
    case_ "backprop-$s-check-tape" backprop --spec "$spec" --check --tape --digits 10
    case_ "backprop-$s-json-tape" backprop --spec "$spec" --tape --check --format json
    case_ "backprop-$s-md-tape" backprop --spec "$spec" --tape --format markdown --digits 3
done
ref="$root/crates/cli/tests/fixtures/backprop/specs/reference.json"
bad() { # bad NAME JSON: a spec that must be refused, naming the field.
    printf '%s' "$2" >"$work/specs/$1.json"
    case_ "backprop-bad-$1" backprop --spec "$work/specs/$1.json"
}
bad syntax '{"input": [1,'
bad not-object '[1, 2]'
bad no-input '{"target": [1], "layers": [{"weight": [[1]], "bias": [0]}], "loss": "mse"}'
bad weight-shape '{"input": [1, 2], "target": [1], "layers": [{"weight": [[1, 2], [3, 4]], "bias": [0]}], "loss": "mse"}'
bad bias-type '{"input": [1], "target": [1], "layers": [{"weight": [[1]], "bias": ["a"]}], "loss": "mse"}'
bad activation '{"input": [1], "target": [1], "layers": [{"weight": [[1]], "bias": [0], "activation": "sigmoidd"}], "loss": "mse"}'
bad loss '{"input": [1], "target": [1], "layers": [{"weight": [[1]], "bias": [0]}], "loss": "hinge"}'
bad optimizer '{"input": [1], "target": [1], "layers": [{"weight": [[1]], "bias": [0]}], "loss": "mse", "optimizer": {"name": "adam", "momentum": 0.9}}'
bad optimizer-name '{"input": [1], "target": [1], "layers": [{"weight": [[1]], "bias": [0]}], "loss": "mse", "optimizer": "adamm"}'
bad bce-range '{"input": [1], "target": [1], "layers": [{"weight": [[3]], "bias": [0]}], "loss": "bce"}'
bad unknown-key '{"input": [1], "target": [1], "layers": [{"weight": [[1]], "bias": [0]}], "loss": "mse", "lr": 1}'
bad batch '{"inputs": [[1], [1, 2]], "targets": [[1], [1]], "layers": [{"weight": [[1]], "bias": [0]}], "loss": "mse"}'
bad nan '{"input": [1e999], "target": [1], "layers": [{"weight": [[1]], "bias": [0]}], "loss": "mse"}'
bad alpha '{"input": [1], "target": [1], "layers": [{"weight": [[1]], "bias": [0], "activation": "relu", "alpha": 2}], "loss": "mse"}'
bad ce-target '{"input": [1], "target": [0.5, 0.5, 0.5], "layers": [{"weight": [[1], [2]], "bias": [0, 0]}], "loss": "cross_entropy"}'
case_ backprop-missing-file backprop --spec "$work/absent.json"
case_ backprop-reference-digits17 backprop --spec "$ref" --digits 17

# --- nabla activation: every function at points through its kinks, each format; the atlas; plots.
names="step sigmoid tanh relu leaky_relu swish hard_swish relu6 hard_sigmoid gelu gelu_tanh elu selu softplus mish log_sigmoid silu identity"
for name in $names; do
    for format in text json; do
        case_ "activation-$name-$format" activation "$name" --at -30,-6,-3,-1.5,-1,-0.5,0,0.5,1,1.5,3,6,30 --format "$format"
    done
done
case_ activation-leaky-alpha activation leaky_relu --alpha 0.2 --at -2,0,2 --format json
case_ activation-elu-alpha activation elu --alpha 0.5 --at -2,0,2
case_ activation-swish-beta0 activation swish --beta 0 --at -2,2 --format json
case_ activation-swish-beta10 activation swish --beta 10 --at -2,-1,0,1,2
case_ activation-softplus-beta activation softplus --beta 2 --at -30,-1,0,1,30
case_ activation-bad-name activation sigmoidd --at 1
case_ activation-bad-param activation relu --alpha 0.2 --at 1
case_ activation-bad-at activation relu --at 1,x
case_ activation-no-at activation relu
for format in text json markdown; do
    case_ "activation-table-$format" activation --table --format "$format"
    untime "$out/activation-table-$format.stdout"
    case_ "activation-table-list-$format" activation swish:0,swish:1,swish:10,leaky_relu:0.2,elu:0.5,softplus:2,relu --table --format "$format"
    untime "$out/activation-table-list-$format.stdout"
done
case_ activation-table-bad activation swish:x --table
case_ activation-plot activation swish:0,swish:1,swish:10,relu --plot plot.svg --range -4,4
case_ activation-plot-all activation gelu,elu:0.5,hard_swish,step --plot plot.svg

# --- nabla optimize: the documented races, every optimizer and flag, --expr, plots, bad input.
all=sgd,momentum,nesterov,rmsprop,adam,adamw,adagrad,adadelta,nadam,radam
for format in text json markdown; do
    case_ "optimize-quadratic-$format" optimize --function quadratic --optimizer sgd,momentum,nesterov,rmsprop,adam \
        --start=-1.8,0.8 --steps 150 --lr 0.035,0.01,0.01,0.05,0.2 --threshold 1e-4 --format "$format"
    case_ "optimize-rosenbrock-$format" optimize --function rosenbrock --optimizer sgd,momentum,nesterov,rmsprop,adam \
        --start=-1.5,2 --steps 1000 --lr 0.001,0.001,0.001,0.01,0.1 --format "$format"
    case_ "optimize-all-beale-$format" optimize --function beale --optimizer $all --start 1,1 --steps 300 --format "$format"
    case_ "optimize-expr-$format" optimize --expr "(1-x)^2+100*(y-x^2)^2" --optimizer adam,nadam --start=-1.5,2 --steps 200 --lr 0.05 --format "$format"
    case_ "optimize-expr-negative-$format" optimize --expr "sin_free(x)" --optimizer sgd --start 0,0 --steps 5 --format "$format"
    case_ "optimize-expr-funcs-$format" optimize --expr "-exp(-(x^2+y^2)) + 0.1*abs(x) + log(1+y^2) + tanh(x)*sigmoid(y) + sqrt(x^2+1) - pi/e" \
        --optimizer sgd,rmsprop --start 1,1 --steps 60 --lr 0.05 --format "$format"
    case_ "optimize-diverge-$format" optimize --function rosenbrock --optimizer sgd --start 2,2 --steps 50 --lr 1 --format "$format"
done
case_ optimize-himmelblau optimize --function himmelblau --optimizer $all --start 0,0 --steps 400 --format json
case_ optimize-flags optimize --function quadratic --optimizer sgd,momentum,nesterov --start 1,1 --steps 40 --momentum 0.5 --weight-decay 0.01 --format json
case_ optimize-flags-adam optimize --function quadratic --optimizer adam,adamw,nadam,radam --start 1,1 --steps 40 --beta1 0.3 --beta2 0.9 --weight-decay 0.1 --eps 1e-6 --amsgrad --format json
case_ optimize-flags-adam2 optimize --function quadratic --optimizer adam,adamw --start 1,1 --steps 40 --amsgrad --momentum-decay 0.004 --format json
case_ optimize-flags-nadam optimize --function quadratic --optimizer nadam --start 1,1 --steps 40 --momentum-decay 0.01 --format json
case_ optimize-flags-rms optimize --function beale --optimizer rmsprop --start 1,1 --steps 40 --centered --alpha 0.9 --momentum 0.5 --format json
case_ optimize-flags-ada optimize --function beale --optimizer adagrad,adadelta --start 1,1 --steps 40 --lr-decay 0.01 --initial-accumulator 0.1 --format json
case_ optimize-flags-adadelta optimize --function beale --optimizer adadelta --start 1,1 --steps 40 --rho 0.5 --format json
case_ optimize-flags-damp optimize --function quadratic --optimizer momentum --start 1,1 --steps 40 --dampening 0.5 --format json
case_ optimize-long optimize --function rosenbrock --optimizer adam --start 0,0 --steps 5000 --lr 0.01 --threshold 1e-6
case_ optimize-bad-flag optimize --function quadratic --optimizer adam --start 1,1 --steps 10 --momentum 0.9
case_ optimize-bad-damp optimize --function quadratic --optimizer nesterov --start 1,1 --steps 10 --dampening 0.5
case_ optimize-bad-function optimize --function rosen --optimizer adam --start 1,1 --steps 10
case_ optimize-bad-optimizer optimize --function quadratic --optimizer adamm --start 1,1 --steps 10
case_ optimize-bad-start optimize --function quadratic --optimizer adam --start 1 --steps 10
case_ optimize-bad-lr optimize --function quadratic --optimizer adam,sgd --start 1,1 --steps 10 --lr 1,2,3
for expr in "x+*y" "x^" "(x+y" "x+y)" "2x" "foo(x)" "x y" "" "x+1e" "exp" "1/0*x" "z+1" "x..2"; do
    n=$(printf '%s' "$expr" | md5sum | cut -c1-8)
    case_ "optimize-bad-expr-$n" optimize --expr "$expr" --optimizer sgd --start 1,1 --steps 3
done
case_ optimize-plot-quadratic optimize --function quadratic --optimizer sgd,momentum,nesterov,rmsprop,adam \
    --start=-1.8,0.8 --steps 150 --lr 0.035,0.01,0.01,0.05,0.2 --threshold 1e-4 --plot race.svg
case_ optimize-plot-rosenbrock optimize --function rosenbrock --optimizer sgd,momentum,nesterov,rmsprop,adam \
    --start=-1.5,2 --steps 1000 --lr 0.001,0.001,0.001,0.01,0.1 --plot race.svg
case_ optimize-plot-himmelblau optimize --function himmelblau --optimizer adam,rmsprop --start 0,0 --steps 300 --plot race.svg
case_ optimize-plot-beale optimize --function beale --optimizer adam --start 1,1 --steps 300 --plot race.svg
case_ optimize-plot-expr optimize --expr "(1-x)^2+100*(y-x^2)^2" --optimizer adam --start=-1.5,2 --steps 200 --lr 0.05 --plot race.svg
case_ optimize-plot-expr-negative optimize --expr "x^2+y^2-3" --optimizer sgd,adam --start 1,1 --steps 50 --plot race.svg
case_ optimize-plot-diverge optimize --function rosenbrock --optimizer sgd,adam --start 2,2 --steps 50 --lr 1 --plot race.svg

# --- nabla regress: every committed data set (last column on the rest), text and JSON, plots.
for csv in "$root"/crates/stats/tests/fixtures/data/*.csv; do
    d=$(basename "$csv" .csv)
    y=$(head -1 "$csv" | tr -d '\r' | awk -F, '{print $NF}')
    for format in text json; do
        case_ "regress-$d-$format" regress "$csv" --y "$y" --format "$format"
        case_ "regress-$d-normal-bg2-$format" regress "$csv" --y "$y" --method normal --bg-order 2 --alpha 0.01 --format "$format"
        case_ "regress-$d-nointercept-$format" regress "$csv" --y "$y" --no-intercept --exact-limit 5 --format "$format"
    done
    case_ "regress-$d-plot" regress "$csv" --y "$y" --plot fit.svg
done
data="$root/crates/stats/tests/fixtures/data"
case_ regress-longley-x regress "$data/longley.csv" --y TOTEMP --x GNP,POP --format json
case_ regress-bad-column regress "$data/longley.csv" --y TOTEMPP
case_ regress-bad-x regress "$data/longley.csv" --y TOTEMP --x GNP,NOPE
case_ regress-bad-alpha regress "$data/textbook.csv" --y y --alpha 2
case_ regress-bad-order regress "$data/textbook.csv" --y y --bg-order 0

# Absolute paths of this checkout must not count as differences.
grep -rl "$root" "$out" 2>/dev/null | while read -r f; do sed -i "s|$root|ROOT|g" "$f"; done
grep -rl "$work" "$out" 2>/dev/null | while read -r f; do sed -i "s|$work|WORK|g" "$f"; done

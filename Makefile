# The two commands that matter: `make demo` (set up, ingest the demo data, run a prior-art search) and
# `make test` (set up, run the tests). Both work from a fresh clone with only Python 3.11+ installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DATA := .demo-data

.PHONY: setup sysdeps demo serve test lint bench bench-scale clean

setup: $(STAMP) sysdeps

# System packages from Debian: Chromium and its driver for the browser tests, CJK fonts so Chinese labels render in
# charts, PDFs and screenshots. Installed only when missing, and only where we are root (CI and the dev machines).
SYSDEPS := chromium chromium-driver fonts-noto-cjk
sysdeps:
	@if ! command -v chromedriver >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSDEPS) >/dev/null; \
		else \
			echo "missing system packages; run: sudo apt-get install $(SYSDEPS)"; exit 1; \
		fi; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The search demo store holds the US sample and the office XML; the PatentsView portfolio gets a store of its own.
DEMO_SEARCH_DATA := data/demo/us-patents-sample.jsonl.gz data/demo/xml

demo: setup
	$(BIN)/novum ingest $(DEMO_SEARCH_DATA) --data-dir $(DEMO_DATA)
	$(BIN)/novum stats --data-dir $(DEMO_DATA)
	$(BIN)/novum search "encrypted file access control by application" --before 2013-06-01 --limit 5 --data-dir $(DEMO_DATA)
	$(BIN)/novum search "Buchholz relay between transformer tank and conservator" --limit 3 --data-dir $(DEMO_DATA)
	# a landscape of NVIDIA's PatentsView portfolio in a store of its own (the demo sample holds 19 of its grants again)
	$(BIN)/novum ingest data/demo/patentsview-nvidia --no-embed --data-dir $(DEMO_DATA)/nvidia
	$(BIN)/novum landscape --data-dir $(DEMO_DATA)/nvidia
	$(BIN)/novum landscape -f html -o $(DEMO_DATA)/landscape-nvidia.html --data-dir $(DEMO_DATA)/nvidia
	$(BIN)/novum monitor --industry artificial-intelligence --data-dir $(DEMO_DATA)/nvidia

serve: setup
	$(BIN)/novum ingest $(DEMO_SEARCH_DATA) --data-dir $(DEMO_DATA)
	$(BIN)/novum serve --data-dir $(DEMO_DATA) --no-auth

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

bench: setup
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/pg_store_bench.py
	$(BIN)/python bench/spark_bench.py
	$(BIN)/python bench/scale_bench.py --docs 100000
	$(BIN)/python bench/retrieval_bench.py
	$(BIN)/python bench/lexical_variants_bench.py
	$(BIN)/python bench/fusion_bench.py --with-e5
	$(BIN)/python bench/page_bench.py
	$(BIN)/python bench/api_bench.py --keep /tmp/novum-api-bench --workers 1
	$(BIN)/python bench/api_bench.py --keep /tmp/novum-api-bench --workers 2
	$(BIN)/python bench/landscape_bench.py
	$(BIN)/python bench/watch_bench.py
	$(BIN)/python bench/fault_bench.py --trials 3 --kills 3
	$(BIN)/python bench/fuzz_bench.py --examples 5000
	$(BIN)/python bench/match_data.py nvidia patsnap usapi --embed
	$(BIN)/python bench/match_bench.py quality
	$(BIN)/python bench/match_bench.py latency

# The scale-out figures at 200k and 1M documents (docs/benchmarks.md): about 1.5 hours on 2 cores.
bench-scale: setup
	$(BIN)/python bench/scale_bench.py --docs 200000
	$(BIN)/python bench/scale_bench.py --docs 1000000
	$(BIN)/python bench/scale_bench.py --docs 1000000 --parts dense --ef-search 100,400,1000
	for m in 16 32; do $(BIN)/python bench/scale_bench.py --docs 100000 --real 1887 --hnsw-m $$m --parts dense --queries 30; done
	$(BIN)/python bench/spark_bench.py --replicate 1000000 --shards 16 --single-files 4 --weekly-files 0 --embed-docs 0

clean:
	rm -rf $(VENV) $(DEMO_DATA) .pytest_cache .mypy_cache .ruff_cache

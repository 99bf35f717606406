# anbiao — two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13 or 3.12, found on PATH (pyenv shims included).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3,13),(3,12)) else 1)' >/dev/null 2>&1; then \
	command -v $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run test venv migrate builtin demo serve lint typecheck audit migrations-check check-python clean bench

help:
	@echo "make run    安装、迁移、载入内置数据和演示数据，并在 http://$(HOST):$(PORT) 启动"
	@echo "make test   运行全部测试"
	@echo "make lint   ruff 检查；make typecheck：mypy；make audit：依赖漏洞核查（需访问 PyPI）"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "错误：需要 Python 3.13 或 3.12，但在 PATH 中没有找到。请安装其中之一（例如 pyenv install 3.13.0）后重试。" >&2; \
		exit 1; fi

$(STAMP): pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored: it is neither" || true
	$(PY) -m pip install -q -e '.[dev]' 2>&1 | grep -v "is ignored: it is neither" || true
	@$(PY) -c "import django, openpyxl, docx, playwright, weasyprint, axes" || { echo "依赖安装失败，请检查上面 pip 的输出" >&2; exit 1; }
	@touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput -v0

builtin: migrate
	$(PY) manage.py load_builtin

demo: builtin
	$(PY) manage.py seed_demo --quiet-logins

run: demo
	@$(PY) manage.py shell -c "import sys; from django.core.management.base import OutputWrapper; from anbiao.orgs.demo import print_logins; print_logins(OutputWrapper(sys.stdout))" 2>/dev/null | grep -v "objects imported"
	@echo "服务地址：http://$(HOST):$(PORT)/   （按 Ctrl+C 停止）"
	@echo "后台任务（站内消息与提醒）随服务启动：manage.py db_worker；到期提醒启动时和每小时检查一次"
	@trap 'kill $$WORKER $$CLOCK 2>/dev/null; wait 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker --no-startup-delay -v0 & WORKER=$$!; \
	( trap 'kill $$S 2>/dev/null; exit 0' TERM INT; \
	  while :; do $(PY) manage.py send_reminders --enqueue >/dev/null; sleep 3600 & S=$$!; wait $$S; done ) & CLOCK=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

typecheck: venv
	DEBUG=1 $(VENV)/bin/mypy anbiao config

audit: venv
	$(PY) scripts/audit_deps.py

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

bench: venv
	@for b in bench/*.py; do case $$b in */make_city.py|*/_*) ;; *) echo "== $$b"; $(PY) $$b || exit 1;; esac; done

clean:
	rm -rf $(VENV) var/anbiao.sqlite3* staticfiles

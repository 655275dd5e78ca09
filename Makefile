# The one build entry point. `make lab` and `make test` do all the set-up a fresh clone needs;
# each step leaves a stamp, so running them again skips what is already done.
#   make lab     JupyterLab on notebooks/ with the Java kernel (kernel-lib, kernel-lib-notebook, kernel-lib-cluster)
#   make test    every test: JUnit, every notebook executed with the real kernel, the browser tests
#   make html    executes every notebook and writes the static site to site/
#   make bench   our benchmarks and Python's multiprocessing (tools/bench_python.py), side by side
#   make soak    workloads while their workers are killed and frozen (MINUTES=10 by default)

SHELL := /bin/bash
PYTHON ?= python3
MVN ?= mvn
JAVA ?= $(if $(JAVA_HOME),$(JAVA_HOME)/bin/java,java)
LAB_PORT ?= 8888

VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.requirements-installed
# The kernel's class path: the notebook module's jar and its runtime dependencies, the core
# kernel-lib jar among them, then kernel-lib-cluster's jar and Ignite's (tools/install_kernel.py
# reads kernel-lib-notebook/target and kernel-lib-cluster/target; `mvn package` builds both).
KERNEL_JAR := kernel-lib-notebook/target/kernel-lib-notebook.jar
KERNEL_LIB := kernel-lib-notebook/target/lib
CLUSTER_JAR := kernel-lib-cluster/target/kernel-lib-cluster.jar
KERNELSPEC := $(VENV)/share/jupyter/kernels/java-multiprocessing/kernel.json
LIB_SOURCES := $(shell find kernel-lib/src/main kernel-lib-notebook/src/main kernel-lib-cluster/src/main -type f 2>/dev/null) \
	pom.xml kernel-lib/pom.xml kernel-lib-notebook/pom.xml kernel-lib-cluster/pom.xml

# Jupyter's own per-user state (settings, workspaces, runtime files) stays inside the repository.
export JUPYTER_CONFIG_DIR := $(CURDIR)/.jupyter/config
export JUPYTER_DATA_DIR := $(CURDIR)/.jupyter/data
export JUPYTERLAB_SETTINGS_DIR := $(CURDIR)/.jupyter/lab/user-settings
export JUPYTERLAB_WORKSPACES_DIR := $(CURDIR)/.jupyter/lab/workspaces
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup lab test test-java test-notebooks html bench soak clean

setup: $(PY_STAMP) $(KERNEL_JAR) $(KERNELSPEC)
	@$(PY) tools/strip_outputs.py --install >/dev/null

$(PY_STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "error: Python 3.10+ is needed, found " + sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Both modules' jars, the kernel's runtime dependencies in $(KERNEL_LIB)/, and the workers'
# class-data-sharing archive ($(KERNEL_LIB)/cds/, next to the kernel-lib jar workers boot from),
# made for this exact JVM and jar so cold worker starts skip class parsing; beside it, the archive
# of a local cluster's server JVMs (Ignite's classes), made by a one-server cluster with the
# kernel's class path and Ignite's module options.
$(KERNEL_JAR): $(LIB_SOURCES)
	@$(JAVA) -version 2>&1 | head -1
	$(MVN) --batch-mode --quiet package -DskipTests
	touch $@
	$(JAVA) -cp "$@:$(KERNEL_LIB)/*" org.kernellib.mp.start.CdsArchive
	$(JAVA) $$($(JAVA) -cp $(CLUSTER_JAR) org.kernellib.mp.cluster.JvmOptions) \
		-cp "$@:$(KERNEL_LIB)/*:$(CLUSTER_JAR):kernel-lib-cluster/target/lib/*" org.kernellib.mp.cluster.ServerArchive

# The kernelspec, and the kernel JVM's class-data-sharing archive next to it, dumped by a training
# kernel (tools/install_kernel.py) so that kernels map JJava's, JShell's and javac's classes.
$(KERNELSPEC): $(PY_STAMP) $(KERNEL_JAR) tools/install_kernel.py
	$(PY) tools/install_kernel.py --java "$(JAVA)"

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --port=$(LAB_PORT) $(if $(filter 0,$(shell id -u)),--allow-root)

test: setup test-java test-notebooks

test-java:
	$(MVN) --batch-mode test

test-notebooks: setup
	$(PY) -m pytest tests

html: setup
	$(PY) tools/build_site.py --out site

bench: setup
	$(PY) tools/bench.py

MINUTES ?= 10
soak: setup
	$(PY) tools/soak.py --seconds $$(( $(MINUTES) * 60 ))

clean:
	$(MVN) --batch-mode --quiet clean
	rm -rf site test-output

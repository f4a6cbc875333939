# seedboot's front door. Every target installs what is missing (Debian 12).
#   make qemu-ARCH [IMAGE=name] [BOOT=uefi] [DISK=usb|nvme|ahci] [SCREEN=1] [RESUME=1] [SOURCES=dir]
#                  [ACCEL=tcg|kvm|auto]                  boot images/NAME.toml under QEMU
#   make test                                            unit tests + real boots on all arches
#   make torture [SEED=n] [CUTS=n]                       power cuts at random instants, then resumes
#   make gnu-proxy [ARCH=i386] [UNTIL=step]              GNU packages built in the guest
#   make dist                                            images, PID 1s, kernels, CLI, .deb, SHA256SUMS
#   make static-cli                                      the static seedboot CLI of the release
#   make compare-stagex SOURCES=dir                      StageX stage 0: its container build vs seedboot
#   make release KEY=secret.key [NAME=alice]             make dist, check and sign it
#   make install [PREFIX=/usr/local] [DESTDIR=] | deb     install seedboot; or a .deb of it
#   make ... INIT_ARCH=FILE                              a prebuilt PID 1 instead of building one
#   make kernel-ARCH | init-ARCH | host                  the pieces
#   make audit-rooms                                     init/AUDIT.md held against the PID 1
ARCHES := i386 x86_64 aarch64
IMAGE ?= default
BOOT ?= direct
# How the disks attach (virtio, or as on real machines: usb, nvme, ahci); the run's folder
# is build/run/IMAGE-ARCH-BOOT, with -DISK unless virtio.
DISK ?= virtio
# How QEMU runs the guest: tcg (software, the default), kvm, or auto (KVM, and TCG if its guest
# prints nothing: docs/hardware.md, "KVM").
ACCEL ?= tcg
run_dir = $(BUILD)/run/$(or $(2),$(IMAGE))-$(1)-$(BOOT)$(if $(filter-out virtio,$(DISK)),-$(DISK))
BUILD := build
SEEDBOOT := $(BUILD)/host/bin/seedboot
JOBS ?= $(shell nproc)
export SOURCE_DATE_EPOCH ?= 1

kernel_image = $(BUILD)/kernel/$(1)/$(if $(filter aarch64,$(1)),Image,bzImage)
# The embed path: INIT_ARCH=FILE takes a prebuilt PID 1 (a release asset, a distribution's
# build) instead of building one. seedboot holds it to the static preflight before use, and
# finds it as $$SEEDBOOT_INIT_ARCH where no --init is given (`make images`, `make release`).
init_binary = $(if $(INIT_$(1)),$(abspath $(INIT_$(1))),$(BUILD)/guest/$(1)/init/init)
$(foreach a,$(ARCHES),$(if $(INIT_$(a)),$(eval export SEEDBOOT_INIT_$(a) := $(abspath $(INIT_$(a))))))

.PHONY: all deps host host-tests images test $(addprefix stage0-,$(ARCHES)) unit-test clean format $(addprefix kernel-,$(ARCHES)) \
        $(addprefix init-,$(ARCHES)) $(addprefix build-init-,$(ARCHES)) $(addprefix qemu-,$(ARCHES)) guests kernels

all: host guests kernels

$(BUILD)/.deps: tools/install-deps.sh
	tools/install-deps.sh
	@mkdir -p $(BUILD) && touch $@
deps: $(BUILD)/.deps

# `make qemu-ARCH` needs only the seedboot command; the tests build the rest.
host: deps
	cmake -S . -B $(BUILD)/host -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD)/host -j$(JOBS) --target seedboot
host-tests: host
	cmake --build $(BUILD)/host -j$(JOBS)

# Guest programs (PID 1, probes): static, per arch, from a private sysroot.
$(addprefix init-,$(ARCHES)): init-%: deps
	@if [ -z "$(INIT_$*)" ]; then $(MAKE) --no-print-directory build-init-$*; else \
	  $(MAKE) --no-print-directory host >/dev/null && $(SEEDBOOT) preflight --arch $* $(INIT_$*) && \
	  echo "init-$*: using the prebuilt PID 1 $(INIT_$*) (INIT_$*), not building one"; fi
$(addprefix build-init-,$(ARCHES)): build-init-%: deps
	@if [ $* != x86_64 ]; then tools/make-sysroot.sh $* $(BUILD)/sysroot/$*; fi
	cmake -S . -B $(BUILD)/guest/$* -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-$*.cmake -DSEEDBOOT_SYSROOT=$(abspath $(BUILD)/sysroot/$*) >/dev/null
	cmake --build $(BUILD)/guest/$* -j$(JOBS)
guests: $(addprefix init-,$(ARCHES))

$(addprefix kernel-,$(ARCHES)): kernel-%: deps
	JOBS=$(JOBS) kernel-config/build-kernel.sh $* $(BUILD)/kernel/$*
kernels: $(addprefix kernel-,$(ARCHES))

# The sandbox image on x86_64 also runs the i386 probe (compat ABI).
$(addprefix qemu-,$(ARCHES)): qemu-%: host init-% kernel-% $(if $(filter sandbox,$(IMAGE)),init-i386)
	$(SEEDBOOT) boot images/$(IMAGE).toml --arch $* --kernel $(call kernel_image,$*) \
	  --init $(call init_binary,$*) --build-dir $(abspath $(BUILD)) --out-dir $(call run_dir,$*) \
	  $(if $(filter uefi,$(BOOT)),--uefi) $(if $(RESUME),--resume) $(if $(SOURCES),--sources $(abspath $(SOURCES))) \
	  --disk-bus $(DISK) $(if $(SCREEN),--screen) $(if $(UNTIL),--until $(UNTIL)) --accel $(ACCEL)

# Stage 0 from a supplied stage0-posix tree (SOURCES=dir holding stage0-posix/):
# run it, extract its tools, pack them as out/stage0-ARCH.sqfs, and boot the
# follow-on image that compiles a C program with them.
S0_i386 := x86
S0_x86_64 := AMD64
S0_aarch64 := AArch64
$(addprefix stage0-,$(ARCHES)): stage0-%: host init-% kernel-%
	$(MAKE) qemu-$* IMAGE=stage0
	rm -rf $(BUILD)/stage0/$* && mkdir -p out
	$(SEEDBOOT) extract $(call run_dir,$*,stage0)/$(if $(filter uefi,$(BOOT)),disk,work).img \
	  --path /build/$(S0_$*)/bin -o $(BUILD)/stage0/$*/bin
	$(SEEDBOOT) pack-dir $(BUILD)/stage0/$*/bin -o out/stage0-$*.sqfs
	sha256sum out/stage0-$*.sqfs
	$(MAKE) qemu-$* IMAGE=stage0-hello

# StageX's bootstrap stages from their own files (SOURCES=dir holding stagex/, as `seedboot get
# rootfs/locks/stagex.lock` makes it, and stagex-fetch/, as `make sources` fills it), in the
# i386 guest: stage 0 from the hex0 seed, stage 1 (live-bootstrap, one journaled step per
# package pass) from out/stagex-stage0-i386.sqfs. Each stage's `package` root is extracted,
# held to the tree digest the guest recorded, and packed as out/stagex-stageN-i386.sqfs; the
# stage-0 follow-on image then compiles and runs C with it. UNTIL=STEP runs a prefix of the
# plan (`seedboot plan images/stagex-stageN.toml`) and needs only its fetched files; without
# it, every file must be fetched, and a missing one is named with its step before any boot.
stagex_disk = $(call run_dir,i386,stagex-stage$(1))/$(if $(filter uefi,$(BOOT)),disk,work).img
.PHONY: stagex-0 stagex-1
stagex-0 stagex-1: stagex-%: host init-i386 kernel-i386
	$(MAKE) qemu-i386 IMAGE=stagex-stage$*
ifeq ($(UNTIL),)
	rm -rf $(BUILD)/stagex/stage$*-out && mkdir -p out
	$(SEEDBOOT) extract $(call stagex_disk,$*) --root s-package -o $(BUILD)/stagex/stage$*-out
	$(SEEDBOOT) pack-dir $(BUILD)/stagex/stage$*-out -o out/stagex-stage$*-i386.sqfs
	sha256sum out/stagex-stage$*-i386.sqfs
	$(if $(filter 0,$*),$(MAKE) qemu-i386 IMAGE=stagex-stage0-hello)
endif

# StageX's sources for its bootstrap stages (STAGE=0, or STAGE="0 1 2 3"), on a connected
# machine: from the StageX tree STAGEX (default SOURCES/stagex, as `seedboot get
# rootfs/locks/stagex.lock` makes it) into DIR (default SOURCES/stagex-fetch) as
# DIR/stageN/FILE, each mirror in turn, sha256 checked, partial files resumed.
STAGE ?= 0
STAGEX ?= $(if $(SOURCES),$(SOURCES)/stagex)
DIR ?= $(if $(SOURCES),$(SOURCES)/stagex-fetch)
.PHONY: sources
sources: host
	@[ -n "$(STAGEX)" ] && [ -n "$(DIR)" ] || { echo "make sources: set SOURCES=folder" \
	  "(or STAGEX=StageX tree and DIR=fetch folder)" >&2; exit 1; }
	$(SEEDBOOT) fetch $(foreach s,$(STAGE),$(STAGEX)/packages/bootstrap/stage$(s)/package.toml) \
	  --into $(DIR)

# StageX's stage 0 built twice on this machine from SOURCES (as for stagex-0): with StageX's
# own container build (buildah + runc + qemu-i386-static in binfmt_misc, installed when
# missing) and with seedboot; compares the package trees, their squashfs bytes and the time
# and memory of both (tools/compare-stagex.sh). Exit 0: equal trees; 2: buildah cannot run.
.PHONY: compare-stagex
compare-stagex: host init-i386 kernel-i386
	@[ -n "$(SOURCES)" ] || { echo "make compare-stagex: set SOURCES=folder (holding stagex/" \
	  "and stagex-fetch/, as for make stagex-0)" >&2; exit 1; }
	SEEDBOOT=$(abspath $(SEEDBOOT)) INIT=$(call init_binary,i386) KERNEL=$(call kernel_image,i386) \
	  tools/compare-stagex.sh $(SOURCES) $(STAGE) $(BUILD)

# Every spec for every arch as one UEFI-bootable disk, each arch's PID 1, kernel and kernel
# config as release assets (out/seedboot-init-ARCH, seedboot-kernel-ARCH[.config]), and
# out/SHA256SUMS over them all; `make dist` adds the .deb of `make deb`. The block
# cache only saves time: the images are the same bytes with or without it. The
# reproducible paths build kernels only from the locked source (smoke boots warn instead).
images dist release: export KERNEL_LOCK_STRICT := 1
images: host guests kernels
	$(SEEDBOOT) images --specs images --build-dir $(abspath $(BUILD)) -o out \
	  --block-cache $(BUILD)/block-cache \
	  $(if $(SOURCES),--sources $(abspath $(SOURCES)),--skip-missing) $(ASSETS)
	cat out/SHA256SUMS
.PHONY: dist static-cli
dist: deb static-cli
	$(MAKE) --no-print-directory images \
	  ASSETS="--cli=$(STATIC_CLI) --asset=$(STATIC_CLI).inputs --asset=out/$(DEB)"

# The release's static seedboot CLI for this machine's arch, $(STATIC_CLI): every library from
# Debian's .a files, and libcurl built from Debian's curl source package without the parts
# Debian ships only shared (tools/static-cli.sh; the source comes through a private apt config).
# Beside it, $(STATIC_CLI).inputs: that curl source and each Debian package it was linked from.
STATIC_CLI = $(BUILD)/static-cli/seedboot-$(shell uname -m)
static-cli: deps
	JOBS=$(JOBS) tools/static-cli.sh . $(BUILD)/static-cli

# Check and sign what `make images` made: out/SHA256SUMS and out/INPUTS, as FILE.minisig.NAME.
.PHONY: release lock-kernel
release:
	@[ -n "$(KEY)" ] || { echo "make release: set KEY=path/to/secret.key; make a key pair with" \
	  "'$(SEEDBOOT) keygen -p pub -s sec' (after 'make host')" >&2; exit 1; }
	$(MAKE) dist
	$(SEEDBOOT) release --dir out --key $(KEY) $(if $(NAME),--name $(NAME)) --specs images \
	  --build-dir $(abspath $(BUILD))

# `make install PREFIX=/usr DESTDIR=dir`: the CLI, the PID 1 (INIT_ARCH=FILE: a prebuilt one,
# after the preflight) and kernel of each arch, the kernel configs, the example specs and the
# manual (tools/install.sh). The installed seedboot finds the PID 1s and kernels itself.
# `make deb`: that install, for PREFIX=/usr, as out/seedboot_VERSION_ARCH.deb (tools/make-deb.sh).
PREFIX ?= /usr/local
VERSION := $(shell grep -om1 ' VERSION [0-9.]*' CMakeLists.txt | cut -d' ' -f3)
DEB = seedboot_$(VERSION)_$(shell dpkg --print-architecture).deb
.PHONY: install deb
install: host guests kernels
	INIT_i386=$(call init_binary,i386) INIT_x86_64=$(call init_binary,x86_64) \
	  INIT_aarch64=$(call init_binary,aarch64) tools/install.sh "$(DESTDIR)" $(PREFIX) $(SEEDBOOT) $(BUILD)
deb: host guests kernels
	rm -rf $(BUILD)/deb
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(abspath $(BUILD))/deb/root
	tools/make-deb.sh $(BUILD)/deb/root $(VERSION) out/$(DEB)

# Lock the kernel source this machine has (kernel-config/source.lock): after Debian moved on.
lock-kernel: deps
	kernel-config/lock-kernel.sh > kernel-config/source.lock.new
	mv kernel-config/source.lock.new kernel-config/source.lock
	@cat kernel-config/source.lock | grep -v '^#'

unit-test: host-tests
	cd $(BUILD)/host && ctest --output-on-failure -L unit

test: host-tests guests kernels
	cd $(BUILD)/host && ctest --output-on-failure

# Power cuts at random instants of a chain of steps (tests/integration/torture.py; `make test`
# runs a short one): SEED picks the instants, CUTS how many. Prints cuts, resumes, results.
SEED ?= 1
CUTS ?= 30
.PHONY: torture
torture: host guests kernels
	SEEDBOOT=$(abspath $(SEEDBOOT)) BUILD=$(abspath $(BUILD)) SRC=$(abspath .) \
	  tests/integration/torture.py --seed $(SEED) --cuts $(CUTS)

# The proof of stage-1 scale (issue 26): GNU packages built from their release tarballs in
# an ARCH guest (default i386), one step each, on a root of Debian's packages of a C
# toolchain. tools/gnu-proxy.sh fetches both with apt into $(BUILD)/gnu-proxy (a cache;
# nothing is committed). UNTIL=STEP stops after that step (hello, m4, ..., binutils); RESUME=1
# goes on with the same work disk. Ends with SEEDBOOT-RESULT: ok and the root's tree digest.
GNU_ARCH ?= $(or $(ARCH),i386)
.PHONY: gnu-proxy
gnu-proxy: host init-$(GNU_ARCH) kernel-$(GNU_ARCH)
	SEEDBOOT=$(abspath $(SEEDBOOT)) tools/gnu-proxy.sh $(GNU_ARCH) $(BUILD)/gnu-proxy/$(GNU_ARCH)
	$(SEEDBOOT) boot images/gnu-proxy.toml --arch $(GNU_ARCH) --kernel $(call kernel_image,$(GNU_ARCH)) \
	  --init $(call init_binary,$(GNU_ARCH)) --build-dir $(abspath $(BUILD)) \
	  --out-dir $(BUILD)/run/gnu-proxy-$(GNU_ARCH) $(if $(UNTIL),--until $(UNTIL)) $(if $(RESUME),--resume)

# The packages of make gnu-proxy up to UNTIL (default hello), each under seedboot's PID 1 vs a
# minimal init in the same VM, side by side, with the host's native build for context.
# Prints and writes $(BUILD)/bench/gnu.md.
.PHONY: bench-gnu
bench-gnu: host init-$(GNU_ARCH) kernel-$(GNU_ARCH)
	BUILD=$(BUILD) GNU_ARCH=$(GNU_ARCH) UNTIL=$(UNTIL) BENCH_CPUS=$(BENCH_CPUS) tests/bench/gnu.sh

# Benchmarks against peer tools (not part of test): prints and writes $(BUILD)/bench/results.md.
.PHONY: bench
bench: host guests kernels
	BUILD=$(BUILD) tests/bench/bench.sh

# Upstream stage0-posix under the PID 1 vs a minimal init, per arch (BENCH_ARCHES, default
# all three): SOURCES=dir holding stage0-posix/. Prints and writes $(BUILD)/bench/stage0.md.
BENCH_ARCHES ?= $(ARCHES)
.PHONY: bench-stage0
bench-stage0: host $(addprefix init-,$(BENCH_ARCHES)) $(addprefix kernel-,$(BENCH_ARCHES))
	BUILD=$(BUILD) SOURCES=$(SOURCES) BENCH_ARCHES="$(BENCH_ARCHES)" BENCH_CPUS=$(BENCH_CPUS) \
	  tests/bench/stage0.sh

# What the guest's CPUs buy, per arch (BENCH_ARCHES): a make -jN stand-in and, with SOURCES=DIR
# holding stage0-posix/, stage0-posix, each with one guest CPU and with one per host core.
# Prints and writes $(BUILD)/bench/cpus.md.
.PHONY: bench-cpus
bench-cpus: host $(addprefix init-,$(BENCH_ARCHES)) $(addprefix kernel-,$(BENCH_ARCHES))
	BUILD=$(BUILD) SOURCES=$(SOURCES) BENCH_ARCHES="$(BENCH_ARCHES)" BENCH_JOBS=$(BENCH_JOBS) BENCH_REPS=$(BENCH_REPS) \
	  tests/bench/cpus.sh

# What layered build roots cost a step (LAYERS_ARCHES, default x86_64; BENCH_REPS, default 5):
# commit cost against roots of 1k/10k/100k files beside a whole-root listing, FROM against a
# full copy, a compile stand-in layered vs a plain folder. Writes $(BUILD)/bench/layers.md.
LAYERS_ARCHES ?= x86_64
.PHONY: bench-layers
bench-layers: host guests $(addprefix kernel-,$(LAYERS_ARCHES))
	BUILD=$(BUILD) BENCH_ARCHES="$(LAYERS_ARCHES)" BENCH_REPS=$(BENCH_REPS) \
	  tests/bench/layers.sh

# libFuzzer targets (tests/fuzz), built with clang and ASan/UBSan in $(BUILD)/fuzz; each runs
# for FUZZ_SECONDS after replaying tests/fuzz/regressions. Fails if anything is found.
# FUZZ_TARGETS empty: every target tests/fuzz/CMakeLists.txt lists.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS ?=
.PHONY: fuzz
fuzz:
	tools/install-deps.sh
	cmake -S . -B $(BUILD)/fuzz -DSEEDBOOT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD)/fuzz -j$(JOBS)
	tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Then init/AUDIT.md's line counts, which the formatting may have moved.
format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')
	tools/audit-rooms.py --update

# init/AUDIT.md's rooms against the PID 1's code: line counts, allowed includes, no loose file.
.PHONY: audit-rooms
audit-rooms:
	tools/audit-rooms.py

clean:
	rm -rf $(BUILD) out

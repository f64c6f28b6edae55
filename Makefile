# The workbench: the series in patches/<base>/ applied to Debian's
# linux-source-* of each base (workbench/tree/bases.tsv: 6.12 and 7.3), built
# for arm64, booted on the base's host profiles under QEMU and tested.
#
#   make          build the patched kernel and selftests, run every profile,
#                 print the results table
#   make check    also build and run the kernels before the series' patches;
#                 fail if any outcome differs from its expectation
#   make help     list the targets

# The kernel base, a line of $(WB)/tree/bases.tsv (its first unless BASE= names
# another): its source package, pinned version, series directories, host
# profiles, tests and 'before-kvm' kernel. The first base is built under
# build/, another under build/<name>/.
BASES  := $(shell awk -F'\t' '!/^\#/ && NF { print $$1 }' workbench/tree/bases.tsv)
BASE   ?= $(firstword $(BASES))
base_col = $(shell awk -F'\t' -v b='$(BASE)' '!/^\#/ && $$1 == b { print $$$(1) }' workbench/tree/bases.tsv)
SERIES := $(call base_col,5)
B      := $(if $(filter $(BASE),$(firstword $(BASES))),build,build/$(BASE))
WB     := workbench
TREE   := $(B)/linux
OUT    := $(B)/out
RES    := $(B)/results
TIMES  := $(B)/timings.tsv
BUSYBOX := build/busybox/busybox
STAGE  := $(WB)/stage.sh $(TIMES)

# The kernel config: allnoconfig, the workbench's machine fragments, and the
# series' own kselftest config files (build/out/config.{kvm,vhost}, written
# from the series branch): every kernel, the base included, is built with
# the same config, so that the code is the only difference between them.
KSFT_CONFIGS := kvm vhost
FRAGMENTS := $(WB)/build/config $(WB)/build/config.arm64 $(addprefix $(OUT)/config.,$(KSFT_CONFIGS))
SELFTESTS := arch-arm64-kvm/tests.tsv drivers-vhost/tests.tsv
TESTS     := $(SELFTESTS) Documentation/tests.tsv
EXPECT    := arch-arm64-kvm/expectations.tsv drivers-vhost/expectations.tsv \
	     Documentation/expectations.tsv
# A base's own expectations, where its kernel differs: read last, so that
# their lines win (expectations.<base>.tsv).
EXPECT    += $(wildcard $(addsuffix /expectations.$(BASE).tsv,arch-arm64-kvm drivers-vhost Documentation))
# The host profiles this base boots, and the tests it runs (bases.tsv).
ALL_PROFILES := $(shell awk -F'\t' '!/^\#/ && NF { print $$1 }' $(WB)/boot/profiles.tsv)
PROFILES  := $(if $(filter *,$(call base_col,6)),$(ALL_PROFILES),$(call base_col,6))
export WB_TESTS := $(call base_col,7)

# The kernels, each a commit of $(TREE). Every test runs on the series and on
# the kernel without the patch it tests, which its expectations name: the
# base for the vhost tests and the existing KVM tests; for the KVM/arm64
# tests, 'before-kvm', the series up to its test infrastructure (the PARange
# override that makes 36-bit hosts, the stage-2 memory types, the test
# driver), none of which the base has.
KERNELS           := series base before-kvm
COMMIT_series     := series
COMMIT_base       := base
COMMIT_before-kvm := $(call base_col,8)

export JOBS ?= 3
# One compiler cache for every clone, in ccache's own default directory, so
# that a fresh clone (CI's) reuses what an earlier one compiled. Paths under
# the clone are hashed relative to it (base_dir), and the working directory
# not at all, so that the same source in another clone hits; ccache still
# hashes the compiler, its options and every header it reads, so a hit is
# the object a cold build would make. Depend mode takes the headers a
# compile read from the compiler's own dependency file (kbuild passes
# -MMD) instead of running the preprocessor a second time: a cold kernel
# build takes about 14% less (measured on mm/ and kernel/sched/: 61 s
# against 70 s), and a warm one hits the same entries.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1
export CCACHE_DEPEND ?= 1
# Likewise the kernels themselves (build-kernel.sh): each build is kept
# under its commit, .config and build script, next to ccache's directory,
# and every kernel of a run (the series, the bases, the variants, each
# prefix of lint's bisect) that was already built so is copied from there.
# Commit ids are reproducible (prepare-tree.sh), so a fresh clone of the
# same series finds them.
export KBUILDS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kernel-workbench/builds

.PHONY: all check check-other cross lint bench help deps tree configs patches kernel selftests run variants report one range-diff clean

# The epoch second at which this make started: matrix.py sums up the wall
# time of the stages that started after it.
export WB_RUN_START := $(shell date +%s)
# make check's record of each run, linked from the README.
RUN_ID  := $(shell date -u +%Y-%m-%dT%H%MZ)-$(shell git rev-parse --short HEAD 2>/dev/null)
HISTORY := history/runs/$(RUN_ID).md
FORMAT  ?= compact
REPORT   = $(WB)/judge/matrix.py $(RES) $(WB)/boot/profiles.tsv $(TIMES) --format $(FORMAT) \
	   --base "$(BASE) ($$(git -C $(TREE) log -1 --format=%s base 2>/dev/null | sed 's/^Linux \([^ ]*\) (Debian \(.*\))/\2 \1/'))"

# make boots a first few profiles on the series kernel and prints their
# table: a host with FWB, one without, and the two small-IPA hosts, so that
# each part of the series has results about a minute after the kernel is
# built (two boots at a time: fwb beside nofwb-nvhe, ipa36 and ipa32).
# Then the other profiles on the series kernel itself, those on variants
# of it that need kernels of their own (the debug and no-jump-label
# configs), and the whole table.
FIRST_PROFILES   := $(filter $(PROFILES),fwb nofwb-nvhe ipa36 ipa32)
MAIN_PROFILES    := $(shell awk -F'\t' '!/^\#/ && NF && $$6 == "-" { print $$1 }' $(WB)/boot/profiles.tsv)
REST_PROFILES    := $(filter-out $(FIRST_PROFILES),$(filter $(PROFILES),$(MAIN_PROFILES)))
VARIANT_PROFILES := $(filter-out $(MAIN_PROFILES),$(PROFILES))

# $(call boot,K,P): boot kernel K (one of KERNELS) on the profiles P, building
# the variants of it that a profile's config fragment asks for.
boot = PROFILES="$(2)" $(WB)/boot/run-kernel.sh $(TREE) "$(COMMIT_$(1))" $(OUT) $(1) $(RES) $(TIMES) \
	$(FRAGMENTS)

all: kernel-series initramfs-series
	@rm -f $(RES)/.before
	@$(call boot,series,$(FIRST_PROFILES))
	@echo; echo 'First results ($(FIRST_PROFILES) on the series kernel$(if $(REST_PROFILES)$(VARIANT_PROFILES),; the other profiles follow)):'
	-@$(REPORT) --only "$(FIRST_PROFILES)" -- $(EXPECT)
	@$(if $(REST_PROFILES),$(call boot,series,$(REST_PROFILES)))
	@$(if $(VARIANT_PROFILES),$(call boot,series,$(VARIANT_PROFILES)))
	@$(if $(REST_PROFILES)$(VARIANT_PROFILES),$(REPORT) --only "$(PROFILES)" -- $(EXPECT))

help:
	@echo 'Targets:'
	@echo '  make (all)      deps, tree, kernel, selftests, run, report: the patched kernel'
	@echo '  make check      all of the above plus the kernels before the patches and lint,'
	@echo '                  for every base of $(WB)/tree/bases.tsv ($(BASES)); exit status 1'
	@echo '                  if any outcome differs from its expectation'
	@echo '  make deps       install the missing Debian packages (apt-get)'
	@echo '  make tree       unpack the base into $(TREE) (branch base), apply patches/'
	@echo '                  (branch series)'
	@echo '  make patches    regenerate patches/ from the series branch of $(TREE)'
	@echo '  make kernel     build the patched Image and uapi headers in $(OUT)/series'
	@echo '  make kernel-K   the same for kernel K, one of: $(KERNELS)'
	@echo '  make selftests  build and install the kselftests that $(SELFTESTS) name (the tree'"'"'s'
	@echo '                  kselftest install target), and the guides'"'"' examples'
	@echo '  make run        boot every profile of $(WB)/boot/profiles.tsv on the patched kernel'
	@echo '  make run-K      the same on kernel K, with the tests whose "before" it is'
	@echo '  make variants   build the series kernel'"'"'s variants that PROFILES boot (their'
	@echo '                  config fragments, profiles.tsv), booting nothing'
	@echo '  make one        the edit loop: build $(TREE) as it is (uncommitted edits'
	@echo '                  included) and boot one profile with some tests, e.g.'
	@echo '                  make one P=fwb T='"'"'kvm.cacheable_pfnmap.*'"'"' (K=base: that kernel)'
	@echo '  make cross      the same selftest binaries on both bases: each base'"'"'s, built'
	@echo '                  against its uapi headers, on the other'"'"'s series kernel'
	@echo '  make range-diff git range-diff of the series against its last posting'
	@echo '                  (history/postings.tsv; SINCE=<commit> for another)'
	@echo '  make report     print the last results again, booting nothing (FORMAT=compact,'
	@echo '                  markdown or json)'
	@echo '  make lint       checkpatch --strict on patches/ (exceptions with reasons in'
	@echo '                  $(WB)/lint/checkpatch-allow.tsv); build every prefix'
	@echo '                  of the series (Image, and the selftests it touches),'
	@echo '                  running each part'"'"'s tests where it ends ($(WB)/lint/parts.tsv);'
	@echo '                  no new W=1 or sparse warning in the files it touches;'
	@echo '                  no new coccicheck report, kernel-doc or Sphinx warning, or'
	@echo '                  uapi header test failure in what it touches; the workbench'"'"'s'
	@echo '                  own parsers pass their tests ($(WB)/judge/test-parsers.py)'
	@echo '  make bench      benchmarks, not tests: boot the base and the series BENCH_REPS'
	@echo '                  times each on the fwb host under QEMU'"'"'s -icount (time counts'
	@echo '                  instructions: 1 ns each) with $(WB)/bench/benches.tsv, and print'
	@echo '                  their figures side by side, with ratios and noise (boot r'
	@echo '                  of each kernel with QEMU'"'"'s -seed BENCH_SEED+r: a second'
	@echo '                  run of the same kernels repeats nearly every boot);'
	@echo '                  then the vhost ones on x86-64 kernels under this machine'"'"'s KVM'
	@echo '                  ($(WB)/bench/profiles.tsv), skipped where /dev/kvm is not usable'
	@echo '  make clean      remove the kernels, tests and results (keeps the tree,'
	@echo '                  the object directory and ccache)'
	@echo 'Variables: BASE=$(BASE) (one of: $(BASES); every target but check works on one base),'
	@echo '           JOBS=$(JOBS) (build parallelism), PROFILES="$(PROFILES)", BENCH_REPS=$(BENCH_REPS),'
	@echo '           BENCH_SEED=0 (make bench: the seeds are BENCH_SEED+1 to BENCH_SEED+BENCH_REPS),'
	@echo '           BENCH_X86=no (make bench without its x86-64 KVM part)'

deps:
	@$(STAGE) deps $(WB)/tree/deps.sh

tree: deps
	@$(STAGE) tree $(WB)/tree/prepare-tree.sh $(TREE) "$(SERIES)" $(BASE)

configs: tree
	@$(WB)/build/kselftest-configs.sh $(TREE) series $(OUT) $(KSFT_CONFIGS)

patches: tree
	@$(WB)/tree/export-patches.sh $(TREE) "$(SERIES)"

kernel: kernel-series

kernel-%: configs
	@$(STAGE) kernel-$* $(WB)/build/build-kernel.sh $(TREE) "$(COMMIT_$*)" \
		$(OUT)/$* $(FRAGMENTS)

$(BUSYBOX): | deps
	@$(STAGE) busybox $(WB)/tree/fetch-busybox.sh $(dir $(BUSYBOX))

# Built once, from the series and against its uapi headers, and run on every
# kernel: that is how a new test shows that it fails without its patch.
selftests: kernel-series $(BUSYBOX)
	@$(STAGE) selftests sh -c 'rm -rf $(OUT)/tests $(OUT)/tests.obj && \
		$(WB)/build/build-selftests.sh $(TREE) $(OUT)/series $(OUT)/tests $(SELFTESTS) && \
		$(WB)/build/build-guide-examples.sh $(OUT)/series $(OUT)/tests Documentation/*.md'

initramfs-%: selftests
	@$(WB)/boot/select-tests.py $* $(WB)/boot/profiles.tsv $(TESTS) -- $(EXPECT) > $(OUT)/$*/tests.tsv
	@$(WB)/boot/select-tests.py --profiles $* $(WB)/boot/profiles.tsv $(TESTS) -- $(EXPECT) > $(OUT)/$*/profiles
	@WB_CASES="$(SELFTESTS)" $(WB)/boot/mkinitramfs.sh $(BUSYBOX) $(OUT)/tests $(OUT)/$*/initramfs.cpio \
		$(OUT)/$*/tests.tsv

run: run-series

# A profile may boot a variant of the kernel with a config fragment of its
# own (the last column of profiles.tsv): 'boot' builds it.
run-%: kernel-% initramfs-%
	@$(call boot,$*,$(PROFILES))

# The variants of the series kernel that PROFILES boot, built without
# booting them (cross-bases.sh builds those it needs so).
variants: kernel-series initramfs-series
	@WB_BUILD_ONLY=1 $(call boot,series,$(PROFILES))

# The last results, judged as the run that made them judged them (with
# the kernels before the series after make check), without booting
# anything. FORMAT=markdown or FORMAT=json for other forms.
report:
	@$(REPORT) $(if $(wildcard $(RES)/.before),--before) --only "$(PROFILES)" -- $(EXPECT)

# Each check is a stage of its own, so that one failing does not hide the other.
# checkpatch runs on each posting of a base that has several
# (lint-checkpatch-<posting>).
LINT = a=0; for d in $(SERIES); do \
		$(STAGE) lint-checkpatch$(if $(word 2,$(SERIES)),-$$(basename $$d)) \
		$(WB)/lint/lint-checkpatch.py $(TREE) $$d $(WB)/lint/checkpatch-allow.tsv || a=1; done; \
	$(STAGE) lint-bisect $(WB)/lint/bisect.sh $(TREE) $(FRAGMENTS); b=$$?; \
	$(STAGE) lint-warnings $(WB)/lint/lint-warnings.sh $(TREE) $(FRAGMENTS); c=$$?; \
	$(STAGE) lint-cocci $(WB)/lint/lint-cocci.sh $(TREE); d=$$?; \
	$(STAGE) lint-docs $(WB)/lint/lint-docs.sh $(TREE); e=$$?; \
	$(STAGE) lint-uapi $(WB)/lint/lint-uapi.sh $(TREE); f=$$?; \
	$(STAGE) lint-parsers $(WB)/judge/test-parsers.py; g=$$?; \
	[ $$a -eq 0 ] && [ $$b -eq 0 ] && [ $$c -eq 0 ] && [ $$d -eq 0 ] && [ $$e -eq 0 ] && \
	[ $$f -eq 0 ] && [ $$g -eq 0 ]

lint: configs $(BUSYBOX)
	@$(LINT)

# The lint checks are judged with the tests, in the summary line. The
# other bases (bases.tsv) run after the first one's tests and lint, each
# with its own report (check-other); the last table is the first base's,
# and the summary line sums every base. Then each base's selftest binaries
# run on the other's series kernel (cross-check.sh: make cross, both
# directions at once), each direction one result.
OTHER_BASES := $(filter-out $(firstword $(BASES)),$(BASES))
CROSS_LOGS  := $(foreach b,$(OTHER_BASES),build/cross/$(b)-on-$(BASE).log build/cross/$(BASE)-on-$(b).log)
check: run $(addprefix run-,$(filter-out series,$(KERNELS)))
	-@$(LINT)
	-@for b in $(OTHER_BASES); do rm -f build/$$b/counts.json; \
		$(MAKE) --no-print-directory BASE=$$b check-other; done
	-@$(WB)/boot/cross-check.sh $(TIMES) $(BASE) $(OTHER_BASES)
	@$(WB)/judge/stress-report.py $(RES) series | tee $(RES)/stress.md
	@touch $(RES)/.before; mkdir -p $(dir $(HISTORY)); \
	$(REPORT) --before --save $(HISTORY) --title "# make check of $(RUN_ID) on $$(nproc) CPUs" \
		$(foreach b,$(OTHER_BASES),--add build/$(b)) -- $(EXPECT); rc=$$?; \
	{ echo; cat $(RES)/stress.md; } >> $(HISTORY); \
	$(if $(CROSS_LOGS),{ echo; echo '## The same binaries on both bases'; echo; \
		grep -h '^cross: ' $(CROSS_LOGS) | sed 's/^/- /'; } >> $(HISTORY);) \
	for b in $(OTHER_BASES); do { echo; echo "## Base $$b"; echo; \
		cat build/$$b/report.md 2>/dev/null || echo "(no report: its run stopped early)"; } >> $(HISTORY); done; \
	exit $$rc

# A base other than the first: its kernels on its profiles, with the tests
# its series carries, and make lint on its series (checkpatch on each of
# its postings); its table (judged alone) and counts go to $(B)/report.md
# and $(B)/counts.json.
check-other: run $(addprefix run-,$(filter-out series,$(KERNELS)))
	-@$(LINT)
	-@$(WB)/judge/stress-report.py $(RES) series > $(RES)/stress.md
	-@touch $(RES)/.before; $(REPORT) --before --only "$(PROFILES)" --save $(B)/report.md --counts $(B)/counts.json \
		--title "make check of base $(BASE)" -- $(EXPECT); \
	{ echo; cat $(RES)/stress.md; } >> $(B)/report.md

# The edit loop in one command: build the kernel from $(TREE) as it is,
# uncommitted edits to tracked files included (or kernel K of KERNELS), and
# boot profile P with the kvm and vhost tests whose names match T. A profile
# with a config fragment of its own (profiles.tsv) gets that variant, built
# in the variant's object directory, as run-kernel.sh builds it. The tests
# are built against the uapi headers of that kernel, or with K= against
# those of $(TREE) as it is (as make check builds them against the series'
# headers and runs them on every kernel).
T ?= *
P ?= fwb
one: configs $(BUSYBOX)
	@commit=$(if $(K),"$(COMMIT_$(K))",$$(git -C $(TREE) stash create)); \
	variant=$$($(WB)/boot/variant.sh '$(P)' one) || exit 1; set -- $$variant; \
	config=$${1:-}; k=$${2:-one}; [ -z "$${3:-}" ] || export KOBJ=$(B)/out/$$3; \
	$(WB)/stage.sh $(B)/one/timings.tsv one-kernel $(WB)/build/build-kernel.sh $(TREE) "$${commit:-HEAD}" $(OUT)/$$k \
		$(FRAGMENTS) $$config && \
	mkdir -p $(B)/one && cat $(SELFTESTS) > $(B)/one/tests-all.tsv && \
	headers=$(OUT)/$$k && $(if $(K),headers=$(B)/one/headers && \
		$(MAKE) -s -C $(TREE) O=$(CURDIR)/$(B)/one/headers ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
			INSTALL_HDR_PATH=$(CURDIR)/$(B)/one/headers/usr headers_install &&) \
	WB_B=$(B) WB_HEADERS=$$headers $(WB)/stage.sh $(B)/one/timings.tsv one-run $(WB)/boot/run-one.sh $$k $(P) \
		$(B)/one/tests-all.tsv '$(T)'

# What changed since the last posting (history/postings.tsv), as git
# range-diff shows it; SINCE=<commit of this repository> for another.
SINCE ?= $(shell awk -F'\t' '!/^\#/ && NF { c = $$2 } END { print c }' history/postings.tsv)
range-diff: tree
	@$(WB)/tree/range-diff.sh $(TREE) $(SINCE) $(SERIES)

# The same selftest binaries on both bases (make check runs it too, after
# both bases' tests): each base's tests and guides' examples, built against
# its own uapi headers, on the other base's series kernel, on the host
# profiles both boot.
cross: $(BUSYBOX)
	@$(MAKE) --no-print-directory BASE=$(firstword $(BASES)) kernel
	@for b in $(OTHER_BASES); do $(MAKE) --no-print-directory BASE=$$b kernel && \
		$(WB)/boot/cross-bases.sh $(firstword $(BASES)) $$b && \
		$(WB)/boot/cross-bases.sh $$b $(firstword $(BASES)) || exit 1; done

BENCH_REPS ?= 3

bench: configs kernel-series kernel-base $(BUSYBOX)
	@$(STAGE) bench $(WB)/bench/bench.sh $(B)/bench $(BENCH_REPS)

clean:
	rm -rf $(addprefix $(OUT)/,$(KERNELS) $(addsuffix .*,$(KERNELS)) x86_64-base x86_64-series \
		builds tests tests.obj) \
		$(RES) $(TIMES)

# The workbench: the series in patches/ applied to Debian's linux-source-6.12,
# built for arm64, booted on every host profile under QEMU and tested.
#
#   make          build the patched kernel and selftests, run every profile,
#                 print the results table
#   make check    also build and run the unpatched base; fail if any outcome
#                 differs from its expectation
#   make help     list the targets

B      := build
TS     := tools-testing-selftests
TREE   := $(B)/linux
BASE   := $(B)/linux-base
OUT    := $(B)/out
RES    := $(B)/results
TIMES  := $(B)/timings.tsv
STAGE  := $(TS)/stage.sh $(TIMES)

FRAGMENTS := $(TS)/config drivers-vhost/config arch-arm64-kvm/config
TESTS     := arch-arm64-kvm/tests.tsv drivers-vhost/tests.tsv
EXPECT    := arch-arm64-kvm/expectations.tsv drivers-vhost/expectations.tsv
PROFILES  := $(shell awk -F'\t' '!/^\#/ && NF { print $$1 }' $(TS)/profiles.tsv)

# The kernel before the patch that a test tests is the base, except for the
# IPA tests: they need the id_aa64mmfr0.parange override to make a 36-bit host,
# so their "before" is the series up to and including the override
# (expectations name it 'before-ipa'). It runs the tests matching BEFORE_IPA_TESTS.
BEFORE_IPA       := arm64: cpufeature: allow id_aa64mmfr0.parange to be overridden
BEFORE_IPA_TESTS := ^kvm\.ipa_

export JOBS ?= 3
export CCACHE_DIR ?= $(CURDIR)/$(OUT)/ccache

.PHONY: all check help deps tree patches kernel kernel-base kernel-before-ipa \
	selftests selftests-base selftests-before-ipa run run-base run-before-ipa \
	report clean

all: report

help:
	@echo 'Targets:'
	@echo '  make (all)      deps, tree, kernel, selftests, run, report: the patched kernel'
	@echo '  make check      all of the above plus the unpatched base; exit status 1 if'
	@echo '                  any outcome differs from its expectation'
	@echo '  make deps       install the missing Debian packages (apt-get)'
	@echo '  make tree       unpack the base into $(TREE) (branch base), apply patches/'
	@echo '                  (branch series); worktree $(BASE) at base'
	@echo '  make patches    regenerate patches/ from the series branch of $(TREE)'
	@echo '  make kernel     build the patched Image and uapi headers in $(OUT)/series'
	@echo '  make kernel-base    the same for the base, in $(OUT)/base'
	@echo '  make kernel-before-ipa  the series up to the PARange override, in $(OUT)/before-ipa'
	@echo '  make selftests  cross-build the tests of $(TESTS) for the patched kernel'
	@echo '  make run        boot every profile of $(TS)/profiles.tsv on the patched kernel'
	@echo '  make run-base   the same on the base kernel'
	@echo '  make run-before-ipa  the IPA tests on the series up to the override'
	@echo '  make report     print the results table of the patched kernel'
	@echo '  make clean      remove $(B)/out and $(B)/results (keeps the tree and ccache)'
	@echo 'Variables: JOBS=$(JOBS) (build parallelism), PROFILES="$(PROFILES)"'

deps:
	@$(STAGE) deps $(TS)/deps.sh

tree: deps
	@$(STAGE) tree sh -c '$(TS)/prepare-tree.sh $(TREE) patches && \
		$(TS)/worktree-at.sh $(TREE) $(BASE) base'

patches: tree
	@$(TS)/export-patches.sh $(TREE) patches

kernel: tree
	@$(STAGE) kernel $(TS)/build-kernel.sh $(TREE) $(OUT)/series $(FRAGMENTS)

kernel-base: tree
	@$(STAGE) kernel-base $(TS)/build-kernel.sh $(BASE) $(OUT)/base $(FRAGMENTS)

$(B)/busybox/busybox: | deps
	@$(STAGE) busybox $(TS)/fetch-busybox.sh $(B)/busybox

selftests: kernel $(B)/busybox/busybox
	@$(STAGE) selftests sh -c 'rm -rf $(OUT)/series/tests && \
		$(TS)/build-selftests.sh $(TREE) $(OUT)/series $(OUT)/series/tests $(TESTS) && \
		$(TS)/mkinitramfs.sh $(B)/busybox/busybox $(OUT)/series/tests $(OUT)/series/initramfs.cpio $(TESTS)'

# The base runs the series' own tests, built against the base's uapi headers:
# that is how a new test shows that it fails without the patch it tests.
selftests-base: kernel-base $(B)/busybox/busybox
	@$(STAGE) selftests-base sh -c 'rm -rf $(OUT)/base/tests && \
		$(TS)/build-selftests.sh $(TREE) $(OUT)/base $(OUT)/base/tests $(TESTS) && \
		$(TS)/mkinitramfs.sh $(B)/busybox/busybox $(OUT)/base/tests $(OUT)/base/initramfs.cpio $(TESTS)'

kernel-before-ipa: tree
	@$(STAGE) kernel-before-ipa sh -c '$(TS)/worktree-at.sh $(TREE) $(B)/linux-before-ipa "$(BEFORE_IPA)" && \
		$(TS)/build-kernel.sh $(B)/linux-before-ipa $(OUT)/before-ipa $(FRAGMENTS)'

selftests-before-ipa: kernel-before-ipa $(B)/busybox/busybox
	@$(STAGE) selftests-before-ipa sh -c 'rm -rf $(OUT)/before-ipa/tests* && \
		grep -h "$(BEFORE_IPA_TESTS)" $(TESTS) > $(OUT)/before-ipa/tests.tsv && \
		$(TS)/build-selftests.sh $(TREE) $(OUT)/before-ipa $(OUT)/before-ipa/tests $(OUT)/before-ipa/tests.tsv && \
		$(TS)/mkinitramfs.sh $(B)/busybox/busybox $(OUT)/before-ipa/tests $(OUT)/before-ipa/initramfs.cpio $(OUT)/before-ipa/tests.tsv'

run: selftests
	@rm -rf $(RES)/series
	@for p in $(PROFILES); do \
		$(STAGE) run-series-$$p $(TS)/run-profile.sh $(OUT)/series/arch/arm64/boot/Image \
			$(OUT)/series/initramfs.cpio $$p $(RES)/series || true; \
	done

run-base: selftests-base
	@rm -rf $(RES)/base
	@for p in $(PROFILES); do \
		$(STAGE) run-base-$$p $(TS)/run-profile.sh $(OUT)/base/arch/arm64/boot/Image \
			$(OUT)/base/initramfs.cpio $$p $(RES)/base || true; \
	done

run-before-ipa: selftests-before-ipa
	@rm -rf $(RES)/before-ipa
	@for p in $(PROFILES); do \
		$(STAGE) run-before-ipa-$$p $(TS)/run-profile.sh $(OUT)/before-ipa/arch/arm64/boot/Image \
			$(OUT)/before-ipa/initramfs.cpio $$p $(RES)/before-ipa || true; \
	done

report: run
	@$(TS)/matrix.py $(RES) $(TS)/profiles.tsv $(TIMES) -- $(EXPECT)

check: run run-base run-before-ipa
	@$(TS)/matrix.py $(RES) $(TS)/profiles.tsv $(TIMES) --before -- $(EXPECT)

clean:
	rm -rf $(OUT)/base $(OUT)/series $(OUT)/before-ipa $(RES) $(TIMES)

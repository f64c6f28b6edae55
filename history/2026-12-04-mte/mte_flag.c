// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_MEM_ENABLE_CACHEABLE_PFNMAP in a VM with MTE, on an MTE host with
 * FWB: raw ioctls, no selftest library.
 *
 *  1. MTE enabled, then a slot with the flag over /dev/test_pfnmap:
 *     expected EINVAL (such a VMA does not allow MTE).
 *  2. The slot with the flag first, then MTE (allowed while the VM has no
 *     vCPU), then a guest load from the slot: expected KVM_RUN EFAULT.
 *  3. Control, without MTE: the load succeeds and the guest stores the
 *     value it read to an MMIO address (KVM_EXIT_MMIO with that value).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#define CODE_GPA	0x10000000UL
#define PFN_GPA		0x20000000UL
#define MMIO_GPA	0x30000000UL
#define PFN_SIZE	0x200000UL
#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, x) / sizeof(uint32_t)))

static int kvm, failed;
static void *pfn;

static void check(const char *what, int ok)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	failed |= !ok;
}

static int set_slot(int vm, int slot, uint32_t flags, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

static int enable_mte(int vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_MTE };

	return ioctl(vm, KVM_ENABLE_CAP, &cap);
}

/* Runs "ldr x0, [x1]; str x0, [x2]; b ." with x1 in the flag's slot. */
static int run_guest(int vm, struct kvm_run **runp)
{
	static const uint32_t code[] = { 0xf9400020, 0xf9000040, 0x14000000 };
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;
	uint64_t val;
	void *mem;
	int vcpu;

	mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memcpy(mem, code, sizeof(code));
	if (set_slot(vm, 1, 0, CODE_GPA, 0x10000, mem))
		return perror("code slot"), -2;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0 || ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) ||
	    ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		return perror("vcpu"), -2;
	*runp = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		     MAP_SHARED, vcpu, 0);
	reg.addr = (uintptr_t)&val;
	val = CODE_GPA;
	reg.id = CORE_REG(regs.pc);
	ioctl(vcpu, KVM_SET_ONE_REG, &reg);
	val = PFN_GPA + 0x100;
	reg.id = CORE_REG(regs.regs[1]);
	ioctl(vcpu, KVM_SET_ONE_REG, &reg);
	val = MMIO_GPA;
	reg.id = CORE_REG(regs.regs[2]);
	ioctl(vcpu, KVM_SET_ONE_REG, &reg);
	return ioctl(vcpu, KVM_RUN, 0) ? errno : 0;
}

int main(void)
{
	struct kvm_run *run;
	int fd, vm, r;

	kvm = open("/dev/kvm", O_RDWR);
	fd = open("/dev/test_pfnmap", O_RDWR);
	if (kvm < 0 || fd < 0)
		return perror("open"), 2;
	pfn = mmap(NULL, PFN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (pfn == MAP_FAILED)
		return perror("mmap"), 2;
	*(volatile uint64_t *)(pfn + 0x100) = 0x1234567890abcdefULL;

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	printf("# KVM_CAP_ARM_MTE %d, KVM_CAP_MEM_ENABLE_CACHEABLE_PFNMAP %d\n",
	       ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_MTE),
	       ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MEM_ENABLE_CACHEABLE_PFNMAP));

	/* 1 */
	check("MTE enabled", enable_mte(vm) == 0);
	r = set_slot(vm, 0, KVM_MEM_ENABLE_CACHEABLE_PFNMAP, PFN_GPA, PFN_SIZE, pfn);
	printf("# slot with the flag after MTE: %d (%s)\n", r, r ? strerror(errno) : "created");
	check("slot with the flag in a VM with MTE: EINVAL", r == -1 && errno == EINVAL);
	r = set_slot(vm, 0, 0, PFN_GPA, PFN_SIZE, pfn);
	printf("# slot without the flag after MTE: %d (%s)\n", r, r ? strerror(errno) : "created");
	check("slot without the flag in a VM with MTE: EINVAL", r == -1 && errno == EINVAL);
	close(vm);

	/* 2 */
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	check("slot with the flag, no MTE yet",
	      set_slot(vm, 0, KVM_MEM_ENABLE_CACHEABLE_PFNMAP, PFN_GPA, PFN_SIZE, pfn) == 0);
	check("MTE enabled after the slot", enable_mte(vm) == 0);
	r = run_guest(vm, &run);
	printf("# KVM_RUN: %s, exit reason %d\n", r ? strerror(r) : "0", run->exit_reason);
	check("guest load from the slot in a VM with MTE: KVM_RUN EFAULT", r == EFAULT);
	close(vm);

	/* 3 */
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	check("slot with the flag, control VM",
	      set_slot(vm, 0, KVM_MEM_ENABLE_CACHEABLE_PFNMAP, PFN_GPA, PFN_SIZE, pfn) == 0);
	r = run_guest(vm, &run);
	printf("# KVM_RUN: %s, exit reason %d, mmio addr %llx data %llx\n",
	       r ? strerror(r) : "0", run->exit_reason,
	       (unsigned long long)run->mmio.phys_addr,
	       (unsigned long long)*(uint64_t *)run->mmio.data);
	check("guest load from the slot without MTE: the value written by the VMM",
	      r == 0 && run->exit_reason == KVM_EXIT_MMIO && run->mmio.phys_addr == MMIO_GPA &&
	      *(uint64_t *)run->mmio.data == 0x1234567890abcdefULL);
	close(vm);
	return failed;
}

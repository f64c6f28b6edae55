// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm_fault_bench - the cost of a stage-2 fault on arm64, per backing
 *
 * Usage: kvm_fault_bench <anon|device|cacheable> [pages] [rounds]
 *
 * A guest with its MMU off writes one word in each page of a memslot, so
 * that each write takes one stage-2 fault that KVM resolves by mapping one
 * page (anonymous memory is madvise(MADV_NOHUGEPAGE); VM_PFNMAP memory is
 * always mapped page by page), then exits with an MMIO write.  The time of
 * that KVM_RUN divided by the pages is the cost of a fault, page allocation
 * (anon) included.  Each round deletes and recreates the slot, which unmaps
 * it, and the median round is printed:
 *
 *   bench: kvm.fault.<backing> <ns> ns/page
 *
 * anon is ordinary memory; device is /dev/test_pfnmap mapped O_SYNC in a
 * slot without flags (Device at stage 2); cacheable is the same memory
 * mapped cacheable in a slot with KVM_MEM_ENABLE_CACHEABLE_PFNMAP, which
 * only a kernel with the series and a host with FWB accept: elsewhere the
 * program prints "bench: skip ..." and exits 4.
 *
 * The memslot operations of each round are timed too, and their medians
 * printed as kvm.memslot.<op>.<backing> in us: create, move (of the slot
 * with every page mapped) and delete (which unmaps them).  Uses raw KVM
 * ioctls, so that it builds without the KVM selftest library.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#ifndef KVM_MEM_ENABLE_CACHEABLE_PFNMAP
#define KVM_MEM_ENABLE_CACHEABLE_PFNMAP	(1UL << 3)
#endif

#define CODE_GPA	0x10000000ULL
#define DATA_GPA	0x40000000ULL
#define MOVED_GPA	0x80000000ULL
#define MMIO_GPA	0x08000000ULL	/* in no memslot */
#define PFNMAP_DEV	"/dev/test_pfnmap"
#define MAX_ROUNDS	64

/*
 * x2: stride, x4: MMIO address, x5: first page, x6: pages
 * start: mov x0, x5; mov x1, x6
 * loop:  str x3, [x0]; add x0, x0, x2; subs x1, x1, #1; b.ne loop
 *        str x3, [x4]; b start
 * Each round is one KVM_RUN, from "start" to the MMIO exit, which the next
 * KVM_RUN completes.
 */
static const uint32_t guest_code[] = {
	0xaa0503e0, 0xaa0603e1, 0xf9000003, 0x8b020000,
	0xf1000421, 0x54ffffa1, 0xf9000083, 0x17fffff9,
};

static void die(const char *what)
{
	printf("bench: error %s: %s\n", what, strerror(errno));
	exit(1);
}

static void skip(const char *why)
{
	printf("bench: skip %s\n", why);
	exit(4);
}

static uint64_t core_reg(size_t offset)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
	       (offset / sizeof(uint32_t));
}

static void set_reg(int vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(vcpu, KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG");
}

static int set_slot(int vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		    uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) ? errno : 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t median(int64_t *v, unsigned int n)
{
	qsort(v, n, sizeof(v[0]), cmp_i64);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "anon";
	long page = sysconf(_SC_PAGESIZE);
	unsigned long pages = argc > 2 ? strtoul(argv[2], NULL, 0) : 2048;
	unsigned int rounds = argc > 3 ? strtoul(argv[3], NULL, 0) : 9;
	struct kvm_vcpu_init init;
	int64_t t[MAX_ROUNDS], t_create[MAX_ROUNDS], t_move[MAX_ROUNDS];
	int64_t t_delete[MAX_ROUNDS];
	struct kvm_run *run;
	uint32_t flags = 0;
	size_t size = pages * page;
	void *code, *data;
	int kvm, vm, vcpu, fd, err;
	unsigned int r;

	if (rounds < 1 || rounds > MAX_ROUNDS || !pages) {
		fprintf(stderr, "usage: %s <anon|device|cacheable> [pages] [rounds <= %d]\n",
			argv[0], MAX_ROUNDS);
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		skip("/dev/kvm unavailable");

	if (!strcmp(mode, "anon")) {
		data = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (data == MAP_FAILED)
			die("mmap");
		madvise(data, size, MADV_NOHUGEPAGE);
	} else if (!strcmp(mode, "device") || !strcmp(mode, "cacheable")) {
		bool device = !strcmp(mode, "device");

		fd = open(PFNMAP_DEV, O_RDWR | (device ? O_SYNC : 0));
		if (fd < 0)
			skip(PFNMAP_DEV " unavailable (CONFIG_TEST_PFNMAP)");
		data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (data == MAP_FAILED)
			skip("the test_pfnmap region is smaller than the pages asked for");
		close(fd);
		if (!device)
			flags = KVM_MEM_ENABLE_CACHEABLE_PFNMAP;
	} else {
		fprintf(stderr, "unknown backing %s\n", mode);
		return 2;
	}

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	code = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED)
		die("mmap");
	memcpy(code, guest_code, sizeof(guest_code));
	err = set_slot(vm, 0, 0, CODE_GPA, page, code);
	if (err) {
		errno = err;
		die("code memslot");
	}

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
	run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap(kvm_run)");

	set_reg(vcpu, core_reg(offsetof(struct kvm_regs, regs.pc)), CODE_GPA);
	set_reg(vcpu, core_reg(offsetof(struct kvm_regs, regs.regs[2])), page);
	set_reg(vcpu, core_reg(offsetof(struct kvm_regs, regs.regs[4])), MMIO_GPA);
	set_reg(vcpu, core_reg(offsetof(struct kvm_regs, regs.regs[5])), DATA_GPA);
	set_reg(vcpu, core_reg(offsetof(struct kvm_regs, regs.regs[6])), pages);

	for (r = 0; r < rounds; r++) {
		int64_t start;

		start = now_ns();
		err = set_slot(vm, 1, flags, DATA_GPA, size, data);
		t_create[r] = now_ns() - start;
		if (err == EINVAL && flags)
			skip("KVM_MEM_ENABLE_CACHEABLE_PFNMAP refused (no FWB, or a kernel without it)");
		if (err) {
			errno = err;
			die("data memslot");
		}
		start = now_ns();
		if (ioctl(vcpu, KVM_RUN, 0))
			die("KVM_RUN");
		t[r] = now_ns() - start;
		if (run->exit_reason != KVM_EXIT_MMIO ||
		    run->mmio.phys_addr != MMIO_GPA) {
			printf("bench: error unexpected exit %u\n", run->exit_reason);
			return 1;
		}

		start = now_ns();
		err = set_slot(vm, 1, flags, MOVED_GPA, size, data);
		t_move[r] = now_ns() - start;
		if (err) {
			errno = err;
			die("moving the data memslot");
		}

		/* Deleting the slot unmaps it at stage 2 for the next round. */
		start = now_ns();
		err = set_slot(vm, 1, 0, MOVED_GPA, 0, data);
		t_delete[r] = now_ns() - start;
		if (err) {
			errno = err;
			die("deleting the data memslot");
		}
		if (!strcmp(mode, "anon"))
			madvise(data, size, MADV_DONTNEED);
	}
	printf("bench: kvm.fault.%s %.1f ns/page\n", mode,
	       (double)median(t, rounds) / pages);
	printf("bench: kvm.memslot.create.%s %.1f us\n", mode,
	       median(t_create, rounds) / 1e3);
	printf("bench: kvm.memslot.move.%s %.1f us\n", mode,
	       median(t_move, rounds) / 1e3);
	printf("bench: kvm.memslot.delete.%s %.1f us\n", mode,
	       median(t_delete, rounds) / 1e3);
	return 0;
}

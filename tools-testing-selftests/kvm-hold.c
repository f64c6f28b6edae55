// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hold: keep one VM alive for the whole test run of the workbench.
 *
 * KVM turns the scheduler's preempt notifiers on when the first VM is
 * created and off when the last one goes away, by patching the branches of a
 * static key. Under QEMU 7.2's TCG a CPU sometimes keeps executing the old
 * code of one of those branches, so a vCPU thread is switched out or in
 * without KVM's notifier: it then runs with the VM's registers on the host
 * or the host's in the guest (see the README's reliability section). With
 * one VM held from before the first test to after the last, the key is
 * flipped once, before the tests, and never while they run: that makes the
 * failure rare, not impossible (the one flip can go wrong too).
 *
 * Usage: kvm-hold
 * Creates a VM with the largest IPA size the host supports (the base kernel
 * refuses type 0 on hosts below 40 bits), then forks: the child keeps the
 * VM until it is killed, the parent prints the child's pid and exits 0.
 * Exits 1, saying why on stderr, if no VM can be created.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(void)
{
	int kvm, vm, ipa, null;
	pid_t pid;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm-hold: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	ipa = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	vm = ioctl(kvm, KVM_CREATE_VM, ipa > 0 ? KVM_VM_TYPE_ARM_IPA_SIZE(ipa) : 0);
	if (vm < 0) {
		fprintf(stderr, "kvm-hold: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "kvm-hold: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid) {
		printf("%d\n", pid);
		return 0;
	}
	/* Let the caller's $(...) see the end of our output. */
	null = open("/dev/null", O_RDWR);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	setsid();
	for (;;)
		pause();
}

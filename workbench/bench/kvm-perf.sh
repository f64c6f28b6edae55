#!/bin/sh
# Run in the VM: the KVM selftest that measures stage-2 faults of ordinary
# memory, with its figure printed as "bench: <metric> <value> <unit>".
# (memslot_perf_test needs 512 MiB of guest memory and minutes under TCG:
# kvm_fault_bench times memslot operations instead.)
#
# Usage: kvm-perf.sh demand_paging
set -u
cd /tests/kvm
case $1 in
demand_paging)
	# One vCPU faults in 64 MiB of anonymous memory, page by page, in the
	# default guest mode (-m 6: 40-bit IPA, 4K pages).
	./demand_paging_test -b 64M -v 1 -m 6 -c 0,1 2>&1 | tee /tmp/dp |
		awk '/Overall demand paging rate/ { printf "bench: kvm.demand_paging %.0f pages/s\n", $(NF-1) }'
	grep -q "Overall demand paging rate" /tmp/dp || echo "bench: error demand_paging_test"
	;;
esac

# The stub as a plain driver: nothing attached.

n=0
for d in /sys/class/drvhook/edu*; do [ -e "$d" ] && n=$((n + 1)); done
expect "both edu devices bound" 2 "$n"
for m in drvhook drvhook_edu; do
	if [ -e /sys/kernel/btf/$m ]; then ok "module BTF present ($m)"; else not_ok "module BTF present ($m)"; fi
done
# the core's class: one line per registered type, one directory per device
expect_match "/sys/class/drvhook/types lists edu, its module and hooks" \
	"^edu drvhook_edu probe request irq complete$" "$(cat /sys/class/drvhook/types 2>&1)"
for dev in edu0 edu1; do
	expect "$dev: type, dev_id, hooks" "edu ${dev#edu} probe request irq complete" \
		"$(cat /sys/class/drvhook/$dev/type /sys/class/drvhook/$dev/dev_id \
			/sys/class/drvhook/$dev/hooks 2>&1 | tr '\n' ' ' | sed 's/ $//')"
done
if [ -c /dev/drvhook ]; then ok "the core's control plane /dev/drvhook"
else not_ok "the core's control plane /dev/drvhook"; fi
out=$(rmmod drvhook 2>&1; echo "rc=$?")
expect_match "rmmod drvhook refused while drvhook_edu is loaded" "rc=[1-9]" "$out"

for dev in edu0 edu1; do
	st=$(edutest status $dev)
	expect_match "$dev identified (ident 0x010000ed)" "ident=0x10000ed" "$st"
	expect "$dev liveness: ping 0x1234 answers ~0x1234" 0xffffedcb "$(edutest ping $dev 0x1234)"
done

irqs0=$(edutest status edu0 | sed 's/.*irqs=//')
bad=""
for i in 0 1 2 3 4 5 6 7 8 9 10 11 12; do
	got=$(edutest fact edu0 $i)
	[ "$got" = "$(fact $i)" ] || bad="$bad $i!=$got"
done
expect "factorial 0..12 correct" "" "$bad"
st=$(edutest status edu0)
irqs1=${st##*irqs=}
mode=$(echo "$st" | sed 's/.*irq_mode=\([0-9]\).*/\1/')
expect "factorials completed by interrupt (MSI)" "2 13" "$mode $((irqs1 - irqs0))"

expect "4 KiB DMA round trip returns identical bytes" same "$(edutest dma edu0 7)"
expect "4 KiB DMA round trip on edu1" same "$(edutest dma edu1 9)"

before=$(edutest status edu1)
expect "10000 requests from 4 processes each complete once, correct" \
	"submitted=10000 completed=10000 bad=0" "$(edutest load edu1 4 2500)"
after=$(edutest status edu1)
req() { echo "$1" | sed 's/.*requests=\([0-9]*\) completions=\([0-9]*\).*/\1 \2/'; }
set -- $(req "$before") $(req "$after")
expect "stub counted 10000 requests and 10000 completions" "10000 10000" "$(($3 - $1)) $(($4 - $2))"

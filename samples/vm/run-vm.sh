#!/bin/bash
# run-vm.sh KERNEL MODULES OUTDIR [NAME...] - boot KERNEL (a bzImage) under
# qemu (TCG; VM_ACCEL=kvm for KVM) with a small busybox
# initramfs carrying oomlens, the scenario programs and MODULES' loop.ko
# (a /lib/modules/<release> folder; "" when loop is built in), run the
# scenarios there with `oomlens record` and a global OOM (the VM is the
# only thing it can hurt), and bring the databases back into OUTDIR.
# Needs qemu-system-x86, busybox-static, cpio (make deps-vm).
set -u
KERNEL=${1:?usage: run-vm.sh KERNEL MODULES OUTDIR [NAME...]}
MODULES=${2-}
OUTDIR=${3:?usage: run-vm.sh KERNEL MODULES OUTDIR [NAME...]}
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
MEM=${VM_MEM_MB:-3072}
TIMEOUT=${VM_TIMEOUT:-1800}

log() { echo "run-vm: $*" >&2; }
for t in qemu-system-x86_64 busybox cpio gzip base64; do
	command -v $t >/dev/null || { log "no $t (make deps-vm)"; exit 2; }
done
[ -r "$KERNEL" ] || { log "'$KERNEL': cannot read the kernel"; exit 2; }
[ -x "$TOP/oomlens" ] && [ -x "$TOP/build/samples/oomhog" ] || { log "run make first"; exit 2; }

W=$(mktemp -d /tmp/oomlens-vm.XXXXXX) || exit 2
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
R=$W/root
mkdir -p "$R"/{bin,sbin,usr/bin,lib,lib64,modules,oomlens/samples,oomlens/build/samples,proc,sys,dev,tmp}

# a program and every shared library it loads
copy_bin() {	# copy_bin SRC DEST
	local l
	cp -L "$1" "$R$2" || return 1
	for l in $(ldd "$1" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
		[ -e "$R$l" ] || { mkdir -p "$R$(dirname "$l")"; cp -L "$l" "$R$l"; }
	done
}
cp "$(command -v busybox)" "$R/bin/busybox"
ln -s busybox "$R/bin/sh"	# /init's interpreter, before busybox --install
copy_bin "$(command -v bash)" /bin/bash
mkdir -p "$R/usr/local/bin"
copy_bin "$(command -v losetup)" /usr/local/bin/losetup	# busybox's lacks --show
copy_bin "$TOP/oomlens" /oomlens/oomlens
copy_bin "$TOP/build/samples/oomhog" /oomlens/build/samples/oomhog
cp "$TOP"/samples/{run-scenario.sh,scenarios.sh} "$R/oomlens/samples/"
cp "$HERE/init" "$R/init"
chmod +x "$R/init"
echo "${*:-}" > "$R/scenarios"
if [ -n "$MODULES" ]; then
	m=$(find "$MODULES" -name 'loop.ko*' | head -n 1)
	[ -n "$m" ] || { log "no loop.ko under $MODULES"; exit 2; }
	case $m in
	*.xz) xz -dc "$m" > "$R/modules/loop.ko" ;;
	*.zst) zstd -qdc "$m" > "$R/modules/loop.ko" ;;
	*) cp "$m" "$R/modules/loop.ko" ;;
	esac
fi
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) > "$W/initrd.gz" || exit 2
log "initramfs $(stat -c %s "$W/initrd.gz") bytes"

# TCG by default (works everywhere); VM_ACCEL=kvm where /dev/kvm is real
# (in some containers it is present but lacks basic CPUID features)
ACCEL=${VM_ACCEL:-tcg}
CPU=max
[ "$ACCEL" = kvm ] && CPU=host
log "booting $KERNEL ($ACCEL, ${MEM} MB, 2 cpus); console in $W/console.log"
timeout "$TIMEOUT" nice -n 10 qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" -m "$MEM" -smp 2 \
	-kernel "$KERNEL" -initrd "$W/initrd.gz" -nographic -no-reboot \
	-append "console=ttyS0 panic=-1 oomlens.vm=1 ${VM_APPEND:-loglevel=4}" \
	-serial "file:$W/console.log" -monitor none -display none </dev/null
rc=$?
[ $rc = 0 ] || log "qemu exit $rc"
mkdir -p "$OUTDIR"
cp "$W/console.log" "$OUTDIR/console.log"
sed -n '/^oomlens-vm: begin databases/,/^oomlens-vm: end databases/p' "$W/console.log" |
	sed '1d;$d' | tr -d '\r' | base64 -d > "$W/out.tgz" 2>/dev/null
if ! tar xzf "$W/out.tgz" -C "$OUTDIR" 2>/dev/null; then
	log "no databases came back; see $OUTDIR/console.log"
	exit 1
fi
grep -a '^oomlens-vm:' "$W/console.log" | tr -d '\r' >&2
log "databases in $OUTDIR"

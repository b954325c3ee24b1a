#!/bin/busybox sh
# The lab guest's /init (busybox): loads the modules, builds a root from the host's (read-only 9p + tmpfs
# overlay), mounts the results share at /mnt and runs guest/run.sh of the repository in it, then powers off.
# The repository and the kernel's module tree come as shares of their own, mounted at their host paths after
# the guest's fresh /tmp and /run, so a checkout under /tmp (a CI clone, say) is seen as it is on the host.
/bin/busybox --install -s /bin; export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p"; }
SUITE=$(arg rdmastack_suite); REPO=$(arg rdmastack_repo)
for m in $(cat /mods/order); do insmod /mods/$m || echo "INIT: insmod $m FAILED"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower
mount -t tmpfs -o size=2g tmpfs /upper; mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot
for d in run tmp; do mount -t tmpfs tmpfs /newroot/$d; done
mount -t proc proc /newroot/proc; mount -t sysfs sys /newroot/sys; mount -t devtmpfs dev /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm; mount -t devpts devpts /newroot/dev/pts; mount -t tmpfs tmpfs /newroot/dev/shm
ln -s /proc/self/fd /newroot/dev/fd   # devtmpfs has no /dev/fd; bash process substitution needs it
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 work /newroot/mnt
# The repository at its host path, writable the way the root is (a tmpfs overlay over the read-only share).
mkdir -p /repo /upper/ru /upper/rw "/newroot$REPO"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose repo /repo
mount -t overlay overlay -o lowerdir=/repo,upperdir=/upper/ru,workdir=/upper/rw "/newroot$REPO"
# The kernel's own module tree (from the cache) so that modprobe and the kernel's auto-loading find modules.
mkdir -p /newroot/lib/modules
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose modules /newroot/lib/modules
printf '#!/bin/sh\nexec chroot /newroot /sbin/modprobe "$@"\n' > /bin/kmodprobe; chmod +x /bin/kmodprobe
echo /bin/kmodprobe > /proc/sys/kernel/modprobe
echo "INIT: root ready at $(cut -d' ' -f1 /proc/uptime)s, suite $SUITE"
chroot /newroot /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash "$REPO/hw-lab/softroce/guest/run.sh" "$SUITE" "$REPO" /mnt/results
rc=$?
# The console shows a kernel fault's first line only (loglevel 4): print the trace that follows it from the log.
if dmesg | grep -qE 'BUG: |WARNING: |INFO: task .* blocked'; then
  echo "INIT: the guest kernel logged a fault during the suite; its log from there:"
  dmesg | sed -n '/BUG: \|WARNING: \|INFO: task .* blocked/,$p' | head -150
fi
echo "INIT: guest suite rc=$rc at $(cut -d' ' -f1 /proc/uptime)s"; sync; umount /newroot/mnt; poweroff -f

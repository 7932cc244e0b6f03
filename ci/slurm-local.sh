#!/bin/bash
# A one-node Slurm cluster on this machine, for tests and benchmarks of
# `--engine slurm`: munged, slurmctld and slurmd, all root, all state in
# DIR, on their own socket and ports; nothing of the system's own
# configuration is read or changed.
#
#   ci/slurm-local.sh start DIR [CPUS]   prints SLURM_CONF=DIR/slurm.conf
#   ci/slurm-local.sh stop DIR
#
# Then: SLURM_CONF=DIR/slurm.conf sbatch|squeue|scancel ...
# The node is up when `sinfo` says idle (start waits for it, up to 120 s).
set -u
usage() {
	sed -n '2,11s/^# \{0,1\}//p' "$0"
	exit "${1:-2}"
}
[ "${1:-}" = --help ] || [ "${1:-}" = -h ] && usage 0
[ $# -ge 2 ] || usage
cmd=$1
D=$(realpath -m "$2")
cpus=${3:-$(nproc)}

stop() {
	local f
	for f in slurmd slurmctld munged; do
		[ -s "$D/$f.pid" ] || continue
		kill "$(cat "$D/$f.pid")" 2>/dev/null
	done
	for _ in $(seq 50); do
		for f in slurmd slurmctld munged; do
			[ -s "$D/$f.pid" ] && kill -0 "$(cat "$D/$f.pid")" 2>/dev/null && break
			f=
		done
		[ -z "$f" ] && return 0
		sleep 0.2
	done
	for f in slurmd slurmctld munged; do
		[ -s "$D/$f.pid" ] && kill -9 "$(cat "$D/$f.pid")" 2>/dev/null
	done
	return 0
}

case $cmd in
stop)
	stop
	exit 0
	;;
start) ;;
*) usage ;;
esac

for b in munged slurmctld slurmd sbatch; do
	command -v "$b" >/dev/null ||
		{ echo "slurm-local: $b missing (ci/deps.sh installs munge, slurmctld, slurmd, slurm-client)" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "slurm-local: the daemons run as root here" >&2; exit 2; }
mkdir -p "$D/munge" "$D/ctld" "$D/spool"
chmod 0700 "$D/munge"
# a key of its own: 1 KiB of randomness, as mungekey makes
[ -s "$D/munge/munge.key" ] ||
	{ dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none &&
		chmod 0400 "$D/munge/munge.key"; }
# free ports: the first pair from 16817 that nothing listens on
port=16817
while ss -Htln "sport = :$port or sport = :$((port + 1))" | grep -q .; do
	port=$((port + 2))
done
host=$(hostname -s)
mem=$(awk '/^MemTotal:/ { print int($2 / 1024) - 1024 }' /proc/meminfo)
cat >"$D/slurm.conf" <<CONF
# made by ci/slurm-local.sh for mmrepro's tests
ClusterName=mmrepro-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.socket
CredType=cred/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$D/ctld
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
KillWait=10
PlugStackConfig=/dev/null
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$D/slurm.conf
munged --force --socket="$D/munge/munge.socket" --key-file="$D/munge/munge.key" \
	--pid-file="$D/munged.pid" --log-file="$D/munged.log" \
	--seed-file="$D/munge/seed" || { echo "slurm-local: munged did not start (see $D/munged.log)" >&2; exit 2; }
slurmctld -i || { echo "slurm-local: slurmctld did not start (see $D/slurmctld.log)" >&2; stop; exit 2; }
slurmd || { echo "slurm-local: slurmd did not start (see $D/slurmd.log)" >&2; stop; exit 2; }
for _ in $(seq 240); do
	if sinfo -h -o %t 2>/dev/null | grep -qx idle; then
		echo "SLURM_CONF=$SLURM_CONF"
		exit 0
	fi
	sleep 0.5
done
echo "slurm-local: the node did not come up idle in 120 s (sinfo: $(sinfo -h -o %t 2>&1); see $D/*.log)" >&2
stop
exit 2

#!/usr/bin/env bash
# A single-node Slurm for the tests: munged, slurmctld and slurmd, all state in DIR.
#   cluster.sh start DIR   writes a munge key and slurm.conf in DIR, starts the three
#                          daemons, waits until the node is idle; prints
#                          SLURM_CONF=DIR/slurm.conf on success
#   cluster.sh stop DIR    stops the daemons started in DIR, by the pids they wrote
# Needs root and Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge).
# The daemons' standard streams go to DIR/log, so a caller reading this script's
# output through a pipe sees it end.
set -u
cmd=${1:?start or stop}
dir=${2:?a directory}
dir=$(cd "$dir" && pwd)

free_port() {
    # A TCP port nobody listens on now (ports 20000–60000, picked at random).
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    return 1
}

stop() {
    for name in slurmd slurmctld munged; do
        f="$dir/$name.pid"
        [ -s "$f" ] || continue
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
        rm -f "$f"
    done
}

case "$cmd" in
stop)
    stop
    exit 0
    ;;
start)
    for tool in munged slurmctld slurmd sbatch; do
        command -v "$tool" >/dev/null || { echo "cluster.sh: '$tool' not found (apt-get install -y slurm-wlm munge)" >&2; exit 2; }
    done
    mkdir -p "$dir/munge" "$dir/ctld" "$dir/d" "$dir/log"
    chmod 700 "$dir/munge"
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
    chmod 400 "$dir/munge/munge.key"
    socket="$dir/munge/munge.socket"
    munged --key-file="$dir/munge/munge.key" --socket="$socket" \
        --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" \
        --seed-file="$dir/munge/munge.seed" -f </dev/null >>"$dir/log/start.log" 2>&1 || { echo "cluster.sh: munged did not start" >&2; cat "$dir/log/munged.log" >&2; exit 1; }
    host=$(hostname -s)
    cpus=$(nproc)
    mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)
    ctld_port=$(free_port); d_port=$(free_port)
    while [ "$d_port" = "$ctld_port" ]; do d_port=$(free_port); done
    cat > "$dir/slurm.conf" <<CONF
ClusterName=noethertest
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/d
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=2
Waittime=0
SchedulerParameters=sched_interval=1
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=noethertest Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -c -f "$SLURM_CONF" -L "$dir/log/slurmctld.log" </dev/null >>"$dir/log/start.log" 2>&1 || { echo "cluster.sh: slurmctld did not start" >&2; tail -20 "$dir/log/slurmctld.log" >&2; stop; exit 1; }
    slurmd -f "$SLURM_CONF" -L "$dir/log/slurmd.log" </dev/null >>"$dir/log/start.log" 2>&1 || { echo "cluster.sh: slurmd did not start" >&2; tail -20 "$dir/log/slurmd.log" >&2; stop; exit 1; }
    for _ in $(seq 1 100); do
        state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1)
        case "$state" in idle*) echo "SLURM_CONF=$SLURM_CONF"; exit 0 ;; esac
        sleep 0.2
    done
    echo "cluster.sh: the node never became idle (state '$state')" >&2
    tail -20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2
    stop
    exit 1
    ;;
esac

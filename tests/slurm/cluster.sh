#!/usr/bin/env bash
# A real one-node SLURM cluster on this machine, for the integration tests and bench/slurm_load.py.
#
#   tests/slurm/cluster.sh start    install (apt, when missing) and start munged, mariadbd,
#                                   slurmdbd, slurmctld, slurmd; idempotent
#   tests/slurm/cluster.sh stop     stop exactly the daemons that `start` started
#   tests/slurm/cluster.sh status   sinfo of the cluster
#   tests/slurm/cluster.sh is-up    exit status 0 when the cluster that `start` started is up
#   tests/slurm/cluster.sh env      the line to eval so that sbatch/sinfo/sacct find the cluster:
#                                   eval "$(tests/slurm/cluster.sh env)"
#
# Everything (configs, state, MariaDB data, logs, pid files) lives under $TAILORSEQ_SLURM_DIR
# (default /tmp/tailorseq-slurm). Clients find the cluster through /etc/slurm/slurm.conf, a
# symlink to $TAILORSEQ_SLURM_DIR/etc/slurm.conf made by `start` when that path is free and
# removed by `stop` (SLURM_CONF alone is not enough: the executor plugin strips SLURM_* variables
# from its jobs, whose srun then looks in /etc/slurm). Needs root; no network except apt.
# Ports (override with the environment): slurmctld 16817, slurmd 16818, slurmdbd 16819,
# MariaDB 13306 on 127.0.0.1 only.
set -euo pipefail

DIR=${TAILORSEQ_SLURM_DIR:-/tmp/tailorseq-slurm}
CTLD_PORT=${TAILORSEQ_SLURMCTLD_PORT:-16817}
SLURMD_PORT=${TAILORSEQ_SLURMD_PORT:-16818}
DBD_PORT=${TAILORSEQ_SLURMDBD_PORT:-16819}
DB_PORT=${TAILORSEQ_SLURM_DB_PORT:-13306}
CLUSTER=tailorseq
ACCOUNT=tailorseq
SYSTEM_CONF=/etc/slurm/slurm.conf
PACKAGES="munge slurm-wlm slurmdbd mariadb-server"
NODE=$(hostname -s)
export SLURM_CONF=$DIR/etc/slurm.conf

log() { echo "cluster.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# A daemon we started is recorded by name in $DIR/run/started; its pid is in $DIR/run/<name>.pid.
pid_of() { cat "$DIR/run/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }
started() { grep -qx "$1" "$DIR/run/started" 2>/dev/null; }
mark_started() { started "$1" || echo "$1" >> "$DIR/run/started"; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "$what did not come up within ${seconds}s (logs: $DIR/log)"
        sleep 0.2
    done
}

install_packages() {
    local missing=()
    command -v munged >/dev/null || missing+=(munge)
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null || missing+=(slurm-wlm)
    command -v slurmdbd >/dev/null || missing+=(slurmdbd)
    command -v mariadbd >/dev/null || missing+=(mariadb-server)
    ((${#missing[@]} == 0)) && return 0
    log "installing ${missing[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # policy-rc.d: the packages' own services must not start; this script starts what it needs.
    local policy=/usr/sbin/policy-rc.d created_policy=""
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && created_policy=1
    fi
    apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null || {
        [[ -n $created_policy ]] && rm -f "$policy"; die "apt-get install $PACKAGES failed"; }
    [[ -n $created_policy ]] && rm -f "$policy"
    return 0
}

write_configs() {
    mkdir -p "$DIR"/{etc,run,log,state,spool,mysql}
    chmod 700 "$DIR"
    local memory slots
    # The node offers two job slots per real CPU and does not book memory: the demo's jobs are
    # tiny but request what a 30x genome needs (16 GB for alignment), and each spends much of
    # its time starting Snakemake, so running two per CPU finishes the demo in far less time.
    memory=$(slurmd -C | head -1 | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
    slots=$((2 * $(nproc)))
    cat > "$DIR/etc/slurm.conf" <<EOF
# one-node test cluster written by tests/slurm/cluster.sh
ClusterName=$CLUSTER
SlurmctldHost=$NODE
SlurmUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=debug
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=$NODE
AccountingStoragePort=$DBD_PORT
AccountingStoreFlags=job_comment,job_script
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
SchedulerParameters=sched_interval=2,bf_interval=5
MpiDefault=none
ReturnToService=2
InactiveLimit=0
KillWait=5
MinJobAge=600
MailProg=/bin/true
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$slots RealMemory=$memory State=UNKNOWN
PartitionName=main Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
    local password
    if [[ -f $DIR/etc/slurmdbd.conf ]]; then
        password=$(sed -n 's/^StoragePass=//p' "$DIR/etc/slurmdbd.conf")
    else
        password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    fi
    (umask 077 && cat > "$DIR/etc/slurmdbd.conf" <<EOF
AuthType=auth/munge
DbdHost=$NODE
DbdPort=$DBD_PORT
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=$password
StorageLoc=slurm_acct_db
LogFile=$DIR/log/slurmdbd.log
PidFile=$DIR/run/slurmdbd.pid
DebugLevel=info
EOF
    )
    chmod 600 "$DIR/etc/slurmdbd.conf"
}

mysql() { mariadb --no-defaults --socket="$DIR/run/mysql.sock" -uroot "$@"; }

start_munge() {
    if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi  # already up
    [[ -s /etc/munge/munge.key ]] || { mungekey --create >/dev/null 2>&1 || \
        (umask 077 && dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null); }
    chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge && chown munge:munge /run/munge && chmod 755 /run/munge
    runuser -u munge -- munged --pid-file=/run/munge/munged.pid
    wait_for 20 munged sh -c 'munge -n </dev/null | unmunge'
    cp /run/munge/munged.pid "$DIR/run/munged.pid"
    mark_started munged
}

start_mariadb() {
    alive mariadbd && return 0
    if [[ ! -d $DIR/mysql/mysql ]]; then
        mariadb-install-db --no-defaults --datadir="$DIR/mysql" --user=root \
            --auth-root-authentication-method=socket --skip-test-db >"$DIR/log/mariadb-install.log" 2>&1 \
            || die "mariadb-install-db failed (see $DIR/log/mariadb-install.log)"
    fi
    mariadbd --no-defaults --user=root --datadir="$DIR/mysql" --socket="$DIR/run/mysql.sock" \
        --port="$DB_PORT" --bind-address=127.0.0.1 --pid-file="$DIR/run/mariadbd.pid" \
        --log-error="$DIR/log/mariadbd.log" --skip-log-bin --innodb-buffer-pool-size=128M --innodb-lock-wait-timeout=900 \
        </dev/null >/dev/null 2>&1 &
    wait_for 60 mariadbd mysql -e 'SELECT 1'
    echo $! > "$DIR/run/mariadbd.pid"
    mark_started mariadbd
    local password
    password=$(sed -n 's/^StoragePass=//p' "$DIR/etc/slurmdbd.conf")
    mysql <<EOF
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$password';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
EOF
}

start_slurmdbd() {
    alive slurmdbd && return 0
    slurmdbd || die "slurmdbd failed to start (see $DIR/log/slurmdbd.log)"
    wait_for 60 slurmdbd sacctmgr -n list cluster
    mark_started slurmdbd
    if ! sacctmgr -n -P list cluster format=cluster | grep -qx "$CLUSTER"; then
        sacctmgr -i add cluster "$CLUSTER" >/dev/null
    fi
    if ! sacctmgr -n -P list account format=account | grep -qx "$ACCOUNT"; then
        sacctmgr -i add account "$ACCOUNT" cluster="$CLUSTER" \
            description="tailorseq tests" organization=tailorseq >/dev/null
    fi
    if ! sacctmgr -n -P list user root format=defaultaccount | grep -qx "$ACCOUNT"; then
        sacctmgr -i add user root account="$ACCOUNT" cluster="$CLUSTER" \
            defaultaccount="$ACCOUNT" >/dev/null
    fi
}

node_idle_or_busy() { [[ $(sinfo -h -N -n "$NODE" -o %T 2>/dev/null) =~ ^(idle|mix|alloc) ]]; }
node_idle() { [[ $(sinfo -h -N -n "$NODE" -o %T 2>/dev/null) == idle* ]]; }

start_slurm() {
    if ! alive slurmctld; then
        slurmctld || die "slurmctld failed to start (see $DIR/log/slurmctld.log)"
        wait_for 30 slurmctld scontrol ping
        mark_started slurmctld
    fi
    if ! alive slurmd; then
        slurmd -N "$NODE" || die "slurmd failed to start (see $DIR/log/slurmd.log)"
        mark_started slurmd
    fi
    local deadline=$((SECONDS + 60))
    until node_idle; do
        if [[ $(sinfo -h -N -n "$NODE" -o %T 2>/dev/null) =~ ^(down|drain) ]]; then
            scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true
        fi
        ((SECONDS < deadline)) || die "node $NODE not idle after 60s: $(sinfo -N 2>&1)"
        sleep 0.5
    done
}

link_config() {
    if [[ -L $SYSTEM_CONF && $(readlink "$SYSTEM_CONF") == "$SLURM_CONF" ]]; then return 0; fi
    if [[ -e $SYSTEM_CONF || -L $SYSTEM_CONF ]]; then
        log "warning: $SYSTEM_CONF exists and is not ours; jobs' srun will read it, not $SLURM_CONF"
        return 0
    fi
    mkdir -p "$(dirname "$SYSTEM_CONF")"
    ln -s "$SLURM_CONF" "$SYSTEM_CONF"
}

start() {
    [[ $(id -u) == 0 ]] || die "needs root (it installs packages and starts daemons)"
    local begin=$SECONDS
    install_packages
    mkdir -p "$DIR/run"
    # Configs are rewritten only while no daemon of ours runs (a running cluster is kept as is).
    alive slurmctld || alive slurmdbd || write_configs
    start_munge
    start_mariadb
    start_slurmdbd
    start_slurm
    link_config
    log "cluster $CLUSTER up on $NODE in $((SECONDS - begin))s; export SLURM_CONF=$SLURM_CONF"
}

stop() {
    [[ -f $DIR/run/started ]] || { log "nothing started by this script is running"; return 0; }
    local name pid
    for name in slurmd slurmctld slurmdbd mariadbd munged; do
        started "$name" || continue
        pid=$(pid_of "$name")
        if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -0 "$pid" 2>/dev/null && { log "$name ($pid) ignored TERM; killing"; kill -9 "$pid"; }
        fi
        sed -i "/^$name\$/d" "$DIR/run/started"
        rm -f "$DIR/run/$name.pid"
    done
    if [[ -L $SYSTEM_CONF && $(readlink "$SYSTEM_CONF") == "$SLURM_CONF" ]]; then
        rm -f "$SYSTEM_CONF"
    fi
    log "stopped"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) sinfo -N -l ;;
    is-up) alive slurmctld && alive slurmd && node_idle_or_busy ;;
    env) echo "export SLURM_CONF=$SLURM_CONF" ;;
    *) echo "usage: $0 start|stop|status|is-up|env" >&2; exit 2 ;;
esac

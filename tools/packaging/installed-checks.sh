# SPDX-License-Identifier: Apache-2.0
# The installed packages at work, run by tools/package-test in a private
# mount namespace with the source tree hidden: args SOURCE_DIR WORK_DIR.
# Every line it prints is one check; the first failure stops it.
src=$1 work=$2
mount -t tmpfs -o size=1m,mode=755 stoa-source-hidden "$src"
cd "$work"
ok() { echo "package-test: ok   $*"; }
bad() { echo "package-test: FAIL $*" >&2; exit 1; }
[ -z "$(ls -A "$src")" ] || bad "the source tree is still visible"
ok "source tree $src hidden"

# ---- the command, its data, its manual ---------------------------------------
[ "$(command -v stoa)" = /usr/bin/stoa ] || bad "stoa is not /usr/bin/stoa"
stoa --version >/dev/null || bad "stoa --version"
for f in /usr/bin/stoa /usr/lib/stoa/xrsim/libstoa_xrsim.so /usr/lib/stoa/tls-compat/libssl.so; do
  libs=$(ldd "$f")
  [[ $libs != *"not found"* ]] || bad "$f: a library is not found: $libs"
done
[[ $(ldd /usr/bin/stoa) == *"lib/stoa/tls-compat/libssl.so"* ]] || bad "stoa does not load the TLS shim beside it"
[ "$(stoa sim-manifest)" = /usr/lib/stoa/xrsim/xrsim.json ] || bad "sim-manifest says $(stoa sim-manifest 2>&1)"
for c in stoa stoa-doctor stoa-hub stoa-run; do
  [ -s /usr/share/man/man1/$c.1.gz ] || bad "no man page $c(1)"
done
[[ $(zcat /usr/share/man/man1/stoa-doctor.1.gz) == *fonts* ]] || bad "stoa-doctor(1) is not its --help"
bash -c 'source /usr/share/bash-completion/completions/stoa; COMP_WORDS=(stoa doc); COMP_CWORD=1; _stoa;
         [ "${COMPREPLY[*]}" = doctor ]' || bad "bash completion"
ok "stoa, its simulated headset, man pages and completion are where they belong"

# ---- stoa doctor ---------------------------------------------------------------
rc=0
stoa doctor --sim --traces "$work/traces" >doctor.txt 2>doctor.err || rc=$?
cat doctor.txt
[ $rc -eq 0 ] || bad "stoa doctor --sim exited $rc"
for c in openxr vulkan fonts traces; do
  grep -q "^ok   $c " doctor.txt || bad "doctor: $c is not ok"
done
stoa doctor --sim --json --traces "$work/traces" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["lesson_can_run"] is True, d
assert d["details"]["openxr"]["library"] == "/usr/lib/stoa/xrsim/libstoa_xrsim.so", d["details"]["openxr"]
assert "XR_KHR_vulkan_enable2" in d["details"]["openxr"]["extensions"]
assert d["versions"]["stoa"]' || bad "doctor --json"
rc=0
env -u XR_RUNTIME_JSON XDG_CONFIG_HOME="$work/none" XDG_CONFIG_DIRS="$work/none" \
  stoa doctor --traces "$work/traces" >doctor-none.txt 2>/dev/null || rc=$?
[ $rc -eq 1 ] && grep -q '^FAIL openxr .*fix: install' doctor-none.txt || bad "doctor without a runtime (rc $rc)"
ok "stoa doctor: ready on the simulated headset, and says what to do without a runtime"

# ---- stoa info on an installed scene ---------------------------------------------
stoa info /usr/share/stoa/scenes/agora/agora.glb >info.txt || bad "stoa info"
grep -Eq '^  nodes +[1-9]' info.txt || bad "stoa info shows no nodes"
ok "stoa info /usr/share/stoa/scenes/agora/agora.glb"

# ---- a lesson on the installed simulated headset ------------------------------------
t0=$(date +%s)
STOA_XRSIM_SCRIPT=/usr/share/stoa/scenes/agora/demo-learner.yaml STOA_XRSIM_EYE_SIZE=128x128 \
  stoa run --sim /usr/share/stoa/scenes/agora/lessons/stoa-poikile.yaml --traces "$work/traces" \
  >run.log 2>&1 || { tail -20 run.log; bad "stoa run --sim"; }
trace=$(ls "$work"/traces/*.jsonl)
grep -q 'adlnet.gov/expapi/verbs/passed' "$trace" || bad "the learner did not pass the lesson"
stoa trace check "$trace" >/dev/null || bad "stoa trace check"
ok "the sample lesson played to the end on the installed xrsim ($(( $(date +%s) - t0 )) s)"

# ---- the hub as its service user -------------------------------------------------------
getent passwd stoa-hub >/dev/null || bad "no stoa-hub user"
[ "$(stat -c %U:%a /var/lib/stoa-hub)" = stoa-hub:700 ] || bad "/var/lib/stoa-hub is $(stat -c %U:%a /var/lib/stoa-hub)"
grep -q '^ExecStart=/usr/bin/stoa hub --config /etc/stoa/hub.conf' /lib/systemd/system/stoa-hub.service || bad "unit"
if command -v systemd-analyze >/dev/null; then
  # (the man: link is checked only where man-db is installed)
  verify=$(systemd-analyze verify /lib/systemd/system/stoa-hub.service 2>&1 | grep -v "man stoa-hub(1)" || true)
  [ -z "$verify" ] || bad "systemd-analyze verify: $verify"
fi
# Where systemd runs, the package started the service on the same data:
# this check runs the hub by hand instead.
if [ -d /run/systemd/system ]; then
  systemctl is-enabled --quiet stoa-hub || bad "the stoa-hub service is not enabled"
  systemctl stop stoa-hub
fi
install -o stoa-hub -g stoa-hub -m 0600 /usr/share/stoa/scenes/agora/lessons/*.yaml /var/lib/stoa-hub/lessons/
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setpriv --reuid=stoa-hub --regid=stoa-hub --init-groups env HOME=/var/lib/stoa-hub \
  stoa hub --config /etc/stoa/hub.conf --listen 127.0.0.1:$port >hub.log 2>&1 &
hub=$!
wait_for() { for _ in $(seq 1 100); do grep -q "$1" hub.log && return 0; sleep 0.2; done; cat hub.log; return 1; }
wait_for "control panel" || bad "the hub did not start"
[ "$(stat -c %U /proc/$hub)" = stoa-hub ] || bad "the hub runs as $(stat -c %U /proc/$hub)"
fetch() { python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=10).read())' "$1"; }
[[ $(fetch "http://127.0.0.1:$port/") == *"<html"* ]] || bad "the panel does not answer"
fetch "http://127.0.0.1:$port/panel/panel.js" >/dev/null || bad "the panel's script does not answer"
ok "the installed hub serves its panel on 127.0.0.1:$port as user stoa-hub"
stoa doctor --sim --hub "http://127.0.0.1:$port" --token "$work/no-token" >doctor-hub.txt 2>/dev/null || true
grep -q '^WARN hub .*has not joined yet' doctor-hub.txt || bad "doctor --hub: $(grep hub doctor-hub.txt)"
kill -HUP $hub
n_lessons=$(ls /usr/share/stoa/scenes/agora/lessons/*.yaml | wc -l)
wait_for "lesson library read again: $n_lessons lessons" || bad "SIGHUP did not reload the lessons"
kill -TERM $hub
rc=0
wait $hub || rc=$?
[ $rc -eq 0 ] && grep -q "stoa hub: stopped" hub.log || { cat hub.log; bad "SIGTERM: exit $rc"; }
[ -s /var/lib/stoa-hub/hub.sqlite ] && [ ! -s /var/lib/stoa-hub/hub.sqlite-wal ] || bad "the database was not closed cleanly"
ok "the hub reloads on SIGHUP and stops cleanly on SIGTERM"

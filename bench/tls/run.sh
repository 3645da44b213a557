#!/usr/bin/env bash
# bench/tls/run.sh: start local TLS servers of known configuration (Go's
# crypto/tls, openssl s_server with legacy options, nginx) and run KollGuard's
# prober, testssl.sh, sslscan and nmap's ssl-enum-ciphers against each. Every
# tool's output is normalised to "VERSION 0xCODE" lines and compared with the
# server's known suites; the table shows wall time, agreement and whether the
# tool saw a post-quantum group. Not part of `go test ./...`.
#
# Usage: bench/tls/run.sh [--quick]   (--quick skips testssl.sh, ~1 min/server)
# Needs: go, openssl; installs testssl.sh sslscan nmap dnsutils nginx-light
# with apt-get when missing and running as root.
set -euo pipefail

cd "$(dirname "$0")/../.."
QUICK=${1:-}
WORK=$(mktemp -d /tmp/kollguard-tlsbench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

need() {
	local missing=()
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null || missing+=("${pair##*:}")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		if [ "$(id -u)" = 0 ]; then
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
				"${missing[@]}" >/dev/null
		else
			echo "missing: ${missing[*]} (apt-get install them)" >&2
			exit 1
		fi
	fi
}
need testssl:testssl.sh sslscan:sslscan nmap:nmap dig:dnsutils nginx:nginx-light openssl:openssl

go build -o "$WORK/tlsbench" ./bench/tls
BENCH="$WORK/tlsbench"
"$BENCH" cert "$WORK/cert.pem" "$WORK/key.pem"

# Ports from nmap's list of likely-TLS ports, so ssl-enum-ciphers runs
# without service detection.
P_GO=4911 P_GO12=6679 P_OSSL=5986 P_NGINX=2376

wait_port() {
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	echo "nothing listens on port $1" >&2
	exit 1
}

start_servers() {
	"$BENCH" serve-go -addr 127.0.0.1:$P_GO -mode default >/dev/null &
	PIDS+=($!)
	"$BENCH" serve-go -addr 127.0.0.1:$P_GO12 -mode tls12 >/dev/null &
	PIDS+=($!)
	OPENSSL_CONF=/dev/null openssl s_server -accept 127.0.0.1:$P_OSSL -quiet -www \
		-cert "$WORK/cert.pem" -key "$WORK/key.pem" -min_protocol TLSv1 \
		-cipher 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-ARIA128-GCM-SHA256:ECDHE-ECDSA-NULL-SHA:@SECLEVEL=0' \
		-ciphersuites 'TLS_AES_128_CCM_SHA256:TLS_AES_256_GCM_SHA384' >/dev/null 2>&1 &
	PIDS+=($!)
	mkdir -p "$WORK/nginx"
	cat >"$WORK/nginx/nginx.conf" <<CONF
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
worker_processes 1;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path $WORK/nginx/body;
	proxy_temp_path $WORK/nginx/proxy;
	fastcgi_temp_path $WORK/nginx/fastcgi;
	uwsgi_temp_path $WORK/nginx/uwsgi;
	scgi_temp_path $WORK/nginx/scgi;
	server {
		listen 127.0.0.1:$P_NGINX ssl;
		ssl_certificate $WORK/cert.pem;
		ssl_certificate_key $WORK/key.pem;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305;
		ssl_ecdh_curve X25519:prime256v1;
		location / { return 200 "ok\n"; }
	}
}
CONF
	nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
	for p in $P_GO $P_GO12 $P_OSSL $P_NGINX; do wait_port "$p"; done
}

# Known configurations, as "VERSION 0xCODE" lines (+ "PQ yes").
expect() {
	case $1 in
	go) printf '%s\n' "TLSv1.3 0x1301" "TLSv1.3 0x1302" "TLSv1.3 0x1303" \
		"TLSv1.2 0xc009" "TLSv1.2 0xc00a" "TLSv1.2 0xc02b" "TLSv1.2 0xc02c" "TLSv1.2 0xcca9" \
		"PQ yes" ;;
	go12) printf '%s\n' "TLSv1.2 0xc00a" "TLSv1.2 0xc023" "TLSv1.2 0xc02b" "TLSv1.2 0xcca9" ;;
	openssl) printf '%s\n' "TLSv1.3 0x1302" "TLSv1.3 0x1304" \
		"TLSv1.2 0xc006" "TLSv1.2 0xc009" "TLSv1.2 0xc02c" "TLSv1.2 0xc05c" "TLSv1.2 0xc0ac" \
		"TLSv1.1 0xc006" "TLSv1.1 0xc009" "TLSv1.0 0xc006" "TLSv1.0 0xc009" ;;
	nginx) printf '%s\n' "TLSv1.3 0x1301" "TLSv1.3 0x1302" "TLSv1.3 0x1303" \
		"TLSv1.2 0xc02b" "TLSv1.2 0xcca9" ;;
	esac | sort
}

now() { date +%s.%N; }

# run_tool TOOL SERVER PORT: prints "seconds agree pq".
run_tool() {
	local tool=$1 server=$2 port=$3 out="$WORK/$1-$2" start end
	start=$(now)
	case $tool in
	kollguard) "$BENCH" probe "tls://127.0.0.1:$port" >"$out" ;;
	sslscan) sslscan --no-colour --xml="$out" "127.0.0.1:$port" >/dev/null 2>&1 || true ;;
	nmap) nmap -Pn -n -p "$port" --script ssl-enum-ciphers -oX "$out" 127.0.0.1 >/dev/null ;;
	testssl) testssl --warnings batch --nodns none --quiet --color 0 --jsonfile "$out" \
		-p -E -S "127.0.0.1:$port" >/dev/null 2>&1 || true ;;
	esac
	end=$(now)
	"$BENCH" normalize "$tool" "$out" >"$out.norm" 2>"$out.err" || true
	expect "$server" >"$out.want"
	local agree=yes pq=no
	diff -q <(grep -v '^PQ' "$out.want") <(grep -v '^PQ' "$out.norm") >/dev/null || agree=no
	grep -q '^PQ yes' "$out.norm" && pq=yes
	[ $agree = no ] && diff <(grep -v '^PQ' "$out.want") <(grep -v '^PQ' "$out.norm") \
		>"$WORK/diff-$tool-$server" || true
	printf '%.2f %s %s\n' "$(echo "$end - $start" | bc)" "$agree" "$pq"
}

start_servers
TOOLS="kollguard sslscan nmap"
[ "$QUICK" = --quick ] || TOOLS="$TOOLS testssl"
printf '%-8s %-10s %8s %6s %4s\n' server tool seconds agrees PQ
for pair in go:$P_GO go12:$P_GO12 openssl:$P_OSSL nginx:$P_NGINX; do
	server=${pair%%:*} port=${pair##*:}
	for tool in $TOOLS; do
		read -r secs agree pq < <(run_tool "$tool" "$server" "$port")
		printf '%-8s %-10s %8s %6s %4s\n' "$server" "$tool" "$secs" "$agree" "$pq"
	done
done
for f in "$WORK"/diff-*; do
	[ -e "$f" ] || continue
	echo "--- ${f##*/diff-} (< expected, > reported)"
	cat "$f"
done
echo "--- 1,000 probes of the Go endpoint, 64 at once"
"$BENCH" probe-many -n 1000 -p 64 "tls://127.0.0.1:$P_GO"

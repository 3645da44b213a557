package serverconf

import (
	"testing"

	"github.com/kollguard/kollguard/internal/check"
)

// sshd returns an sshd_config of the given lines after a passing baseline.
func sshd(lines string) map[string]string {
	return map[string]string{"etc/ssh/sshd_config": lines + "\n" + sshdBaseline}
}

// withMatch returns the baseline followed by a Match block.
func withMatch(block string) map[string]string {
	return map[string]string{"etc/ssh/sshd_config": sshdBaseline + block + "\n"}
}

// sshdBaseline passes every check; lines written before it win, since sshd
// keeps the first value of a keyword.
const sshdBaseline = `PermitRootLogin no
PasswordAuthentication no
ClientAliveInterval 300
ClientAliveCountMax 3
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes256-ctr
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
`

func TestSSHDChecks(t *testing.T) {
	runCases(t, []checkCase{
		{"the baseline passes the idle timeout", sshd(""), "sshd.idle-timeout", check.Pass},
		{"no ClientAliveInterval never ends sessions and fails",
			map[string]string{"sshd_config": "PasswordAuthentication no\n"},
			"sshd.idle-timeout", check.Fail},
		{"an hour of keepalives fails", sshd("ClientAliveInterval 20m"), "sshd.idle-timeout",
			check.Fail},
		{"ClientAliveCountMax 0 disables the timeout and fails", sshd("ClientAliveCountMax 0"),
			"sshd.idle-timeout", check.Fail},
		{"5m times 3 is exactly 900 seconds and passes",
			sshd("ClientAliveInterval 5m\nClientAliveCountMax 3"), "sshd.idle-timeout",
			check.Pass},
		{"a Match block raising the interval fails", withMatch("Match User x\n" +
			"ClientAliveInterval 3600"), "sshd.idle-timeout", check.Fail},
		{"the first value wins, as in sshd", sshd("ClientAliveInterval 60\n" +
			"ClientAliveInterval 0"), "sshd.idle-timeout", check.Pass},
		{"key=value syntax is read", sshd("ClientAliveInterval=7200"), "sshd.idle-timeout",
			check.Fail},
		{"password authentication left to its default fails",
			map[string]string{"sshd_config": "PermitRootLogin no\n"},
			"sshd.password-auth", check.Fail},
		{"PasswordAuthentication yes fails", sshd("PasswordAuthentication yes"),
			"sshd.password-auth", check.Fail},
		{"PasswordAuthentication no passes", sshd(""), "sshd.password-auth", check.Pass},
		{"a Match block allowing passwords fails", withMatch("Match Group contractors\n" +
			"  PasswordAuthentication yes"), "sshd.password-auth", check.Fail},
		{"a Match block forbidding passwords passes", withMatch("Match Address 10.0.0.0/8\n" +
			"  PasswordAuthentication no"), "sshd.password-auth", check.Pass},
		{"keywords are case-insensitive", sshd("passwordauthentication YES"),
			"sshd.password-auth", check.Fail},
		{"PermitRootLogin yes fails", sshd("PermitRootLogin yes"), "sshd.root-login",
			check.Fail},
		{"prohibit-password passes", sshd("PermitRootLogin prohibit-password"),
			"sshd.root-login", check.Pass},
		{"root login left to its default passes",
			map[string]string{"sshd_config": "PasswordAuthentication no\n"},
			"sshd.root-login", check.Pass},
		{"a Match block permitting root fails", withMatch("Match User root\nPermitRootLogin yes"),
			"sshd.root-login", check.Fail},
		{"a CBC cipher fails", sshd("Ciphers aes128-ctr,aes256-cbc"), "sshd.ciphers",
			check.Fail},
		{"arcfour appended to the defaults fails", sshd("Ciphers +arcfour256"), "sshd.ciphers",
			check.Fail},
		{"3des-cbc fails", sshd("Ciphers 3des-cbc"), "sshd.ciphers", check.Fail},
		{"default ciphers pass", map[string]string{"sshd_config": "Port 22\n"}, "sshd.ciphers",
			check.Pass},
		{"hmac-sha1 fails", sshd("MACs hmac-sha2-256,hmac-sha1"), "sshd.macs", check.Fail},
		{"hmac-md5 fails", sshd("MACs hmac-md5-etm@openssh.com"), "sshd.macs", check.Fail},
		{"default MACs include hmac-sha1 and fail",
			map[string]string{"sshd_config": "Port 22\n"}, "sshd.macs", check.Fail},
		{"removing the SHA-1 MACs from the defaults passes", sshd("MACs -hmac-sha1*"),
			"sshd.macs", check.Pass},
		{"SHA-2 MACs pass", sshd(""), "sshd.macs", check.Pass},
		{"an Include drop-in is read first", map[string]string{
			"ssh/sshd_config":             "Include sshd_config.d/*.conf\n" + sshdBaseline,
			"ssh/sshd_config.d/50-x.conf": "PasswordAuthentication yes\n",
		}, "sshd.password-auth", check.Fail},
		{"an unterminated quote is an error", sshd(`Banner "/etc/issue`), "sshd.ciphers",
			check.Error},
	})
}

func TestSSHDMatchFindingNamesTheBlock(t *testing.T) {
	got := scanFiles(t, withMatch("Match User billing\n  PasswordAuthentication yes"))
	f, ok := findingOf(got, "sshd.password-auth", check.Fail)
	if !ok {
		t.Fatal("no failing finding")
	}
	if f.Resource != "Match User billing" || f.Location.Line != 8 {
		t.Fatalf("resource %q at line %d; want Match User billing at line 8", f.Resource,
			f.Location.Line)
	}
}

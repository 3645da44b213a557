package tlsprobe

import (
	"bytes"
	"testing"
)

// seedFlights are server answers the parsers must handle: a ServerHello,
// an alert, a HelloRetryRequest and some damaged ones.
func seedFlights() [][]byte {
	hello := []byte{22, 3, 3, 0, 42, 2, 0, 0, 38, 3, 3}
	hello = append(hello, make([]byte, 32)...)
	hello = append(hello, 0, 0xc0, 0x2f, 0)
	hrr := []byte{22, 3, 3, 0, 56, 2, 0, 0, 52, 3, 3}
	hrr = append(hrr, hrrRandom...)
	hrr = append(hrr, 0, 0x13, 0x01, 0, 0, 12, 0, 43, 0, 2, 3, 4, 0, 51, 0, 2, 0x11, 0xec)
	return [][]byte{
		hello, hrr,
		{21, 3, 3, 0, 2, 2, 40},
		{22, 3, 3, 0, 4, 2, 0, 0, 0},
		{22, 3, 3, 0xff, 0xff},
		[]byte("HTTP/1.1 400 Bad Request\r\n\r\n"),
		{22, 3, 3, 0, 4, 11, 0xff, 0xff, 0xff},
	}
}

func FuzzReadFlight(f *testing.F) {
	for _, s := range seedFlights() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, err := readFlight(bytes.NewReader(data))
		if err == nil && fl == nil {
			t.Fatal("no flight and no error")
		}
		if fl != nil && fl.hello != nil && fl.hello.extensions == nil {
			t.Fatal("hello without extension map")
		}
	})
}

func FuzzParseServerHello(f *testing.F) {
	for _, s := range seedFlights() {
		if len(s) > 9 && s[0] == recordHandshake && s[5] == msgServerHello {
			f.Add(s[9:])
		}
	}
	f.Add([]byte{3, 3})
	f.Fuzz(func(t *testing.T, body []byte) {
		h, err := parseServerHello(body)
		if err == nil && h == nil {
			t.Fatal("no hello and no error")
		}
	})
}

func FuzzStartTLSReplies(f *testing.F) {
	f.Add([]byte("220 hi\r\n250-x\r\n250 STARTTLS\r\n220 go\r\n"))
	f.Add([]byte("421 busy\r\n"))
	f.Add([]byte{0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0, 0x04, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, scheme := range []string{"smtp", "imap", "pop3", "ldap", "postgres"} {
			c := &scripted{r: bytes.NewReader(data)}
			_ = startTLS(c, Endpoint{Scheme: scheme})
		}
	})
}

func TestParsersOnSeeds(t *testing.T) {
	t.Parallel()
	seeds := seedFlights()
	fl, err := readFlight(bytes.NewReader(seeds[0]))
	if err != nil || fl.hello == nil || fl.hello.suite != 0xc02f ||
		fl.hello.version != versionTLS12 {
		t.Fatalf("server hello: %+v, %v", fl, err)
	}
	fl, err = readFlight(bytes.NewReader(seeds[1]))
	if err != nil || !fl.hello.hrr || fl.hello.version != versionTLS13 ||
		fl.hello.group != groupX25519MLKEM {
		t.Fatalf("hello retry request: %+v, %v", fl.hello, err)
	}
	fl, err = readFlight(bytes.NewReader(seeds[2]))
	if err != nil || fl.alert == nil || fl.alert.desc != alertHandshakeFailure {
		t.Fatalf("alert: %+v, %v", fl, err)
	}
	for i, s := range seeds[3:] {
		if _, err := readFlight(bytes.NewReader(s)); err == nil {
			t.Errorf("damaged seed %d parsed without error", i)
		}
	}
}

package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/kollguard/kollguard/internal/tlsprobe"
)

// normalize prints the suites a tool found as sorted "VERSION 0xcode"
// lines, plus "PQ yes" when the tool reported a post-quantum group.
func normalize(args []string, w io.Writer) error {
	if len(args) != 2 {
		return errors.New("usage: normalize kollguard|sslscan|testssl|nmap FILE")
	}
	data, err := os.ReadFile(args[1])
	if err != nil {
		return err
	}
	var lines []string
	switch args[0] {
	case "kollguard":
		lines, err = fromKollGuard(data)
	case "sslscan":
		lines, err = fromSSLScan(data)
	case "testssl":
		lines, err = fromTestSSL(data)
	case "nmap":
		lines, err = fromNmap(data)
	default:
		err = fmt.Errorf("unknown tool %q", args[0])
	}
	if err != nil {
		return fmt.Errorf("normalizing %s output: %w", args[0], err)
	}
	if strings.Contains(strings.ToUpper(string(data)), "MLKEM") {
		lines = append(lines, "PQ yes")
	}
	slices.Sort(lines)
	for _, l := range slices.Compact(lines) {
		fmt.Fprintln(w, l)
	}
	return nil
}

func line(version string, code uint16) string {
	return fmt.Sprintf("%s 0x%04x", version, code)
}

func fromKollGuard(data []byte) ([]string, error) {
	var s tlsprobe.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	var out []string
	for version, suites := range s.Suites {
		for _, c := range suites {
			n, err := strconv.ParseUint(c.Code, 0, 16)
			if err != nil {
				return nil, err
			}
			out = append(out, line(version, uint16(n)))
		}
	}
	return out, nil
}

// fromSSLScan reads sslscan's --xml: <cipher sslversion="TLSv1.2" id="0xc02f">.
func fromSSLScan(data []byte) ([]string, error) {
	var doc struct {
		Ciphers []struct {
			Version string `xml:"sslversion,attr"`
			ID      string `xml:"id,attr"`
		} `xml:"ssltest>cipher"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []string
	for _, c := range doc.Ciphers {
		n, err := strconv.ParseUint(c.ID, 0, 16)
		if err != nil {
			return nil, err
		}
		out = append(out, line(c.Version, uint16(n)))
	}
	return out, nil
}

var testsslVersions = map[string]string{
	"ssl3": "SSLv3", "tls1": "TLSv1.0", "tls1_1": "TLSv1.1", "tls1_2": "TLSv1.2",
	"tls1_3": "TLSv1.3",
}

// fromTestSSL reads testssl.sh's --jsonfile: ids such as cipher-tls1_2_xc02f.
func fromTestSSL(data []byte) ([]string, error) {
	var items []struct {
		ID      string `json:"id"`
		Finding string `json:"finding"`
	}
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, err
	}
	var out []string
	for _, it := range items {
		rest, ok := strings.CutPrefix(it.ID, "cipher-")
		i := strings.LastIndex(rest, "_x")
		if !ok || i < 0 || strings.Contains(it.Finding, "not offered") {
			continue
		}
		v, ok := testsslVersions[rest[:i]]
		n, err := strconv.ParseUint(rest[i+2:], 16, 16)
		if !ok || err != nil {
			continue
		}
		out = append(out, line(v, uint16(n)))
	}
	return out, nil
}

// fromNmap reads ssl-enum-ciphers XML: a table per version holding a
// "ciphers" table of entries with a "name" element.
func fromNmap(data []byte) ([]string, error) {
	d := xml.NewDecoder(strings.NewReader(string(data)))
	var stack []string
	var out []string
	inName := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			key := attr(t, "key")
			if t.Name.Local == "table" {
				stack = append(stack, key)
			}
			inName = t.Name.Local == "elem" && key == "name" && slices.Contains(stack, "ciphers")
		case xml.EndElement:
			if t.Name.Local == "table" && len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			inName = false
		case xml.CharData:
			if inName && len(stack) > 0 {
				out = append(out, nmapLine(stack[0], string(t)))
			}
		}
	}
}

func nmapLine(version, name string) string {
	if s, ok := tlsprobe.SuiteByName(strings.TrimSpace(name)); ok {
		n, _ := strconv.ParseUint(s.Code, 0, 16)
		return line(version, uint16(n))
	}
	return version + " " + name
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func splitLines(s string) []string { return strings.Split(s, "\n") }

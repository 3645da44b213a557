package serverconf

import (
	"slices"
	"strconv"
	"strings"
)

// This file turns a parsed nginx configuration into the server blocks the
// checks judge, with the directives each inherits from its http block.

// BUG(kollguard): nginx picks the TLS settings of a connection from the
// default server of its address and port before SNI, and evaluates
// variables, map blocks and if conditions at run time; the checks judge
// each server block's own and inherited directives, so a setting that only
// a default server or a variable decides may be judged on the wrong block.

// nginxServer is one server block and its http parent.
type nginxServer struct {
	http   *directive // nil for a server block at the top of a file
	server *directive
}

// nginxListen is one listen directive, read.
type nginxListen struct {
	port int
	tls  bool
	line int
}

// nginxServers returns every server block of the tree: those inside http
// blocks, and those at the top level of a file included into http by a
// configuration outside the scanned files.
func nginxServers(tree []*directive) []nginxServer {
	var out []nginxServer
	for _, d := range tree {
		switch {
		case d.Name == "http" && d.IsBlock:
			for _, s := range d.Block {
				if s.Name == "server" && s.IsBlock {
					out = append(out, nginxServer{http: d, server: s})
				}
			}
		case d.Name == "server" && d.IsBlock && !isStreamOnly(tree):
			out = append(out, nginxServer{server: d})
		}
	}
	return out
}

// isStreamOnly reports whether the top level holds a stream block and no
// http block: then top-level servers are not HTTP servers.
func isStreamOnly(tree []*directive) bool {
	stream, http := false, false
	for _, d := range tree {
		stream = stream || d.Name == "stream"
		http = http || d.Name == "http"
	}
	return stream && !http
}

// find returns the first direct child of block named name.
func find(block []*directive, name string) *directive {
	for _, d := range block {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// all returns every direct child of block named name.
func all(block []*directive, name string) []*directive {
	var out []*directive
	for _, d := range block {
		if d.Name == name {
			out = append(out, d)
		}
	}
	return out
}

// inherited returns the directive name as the server sees it: its own, or
// else its http block's.
func (s nginxServer) inherited(name string) *directive {
	if d := find(s.server.Block, name); d != nil {
		return d
	}
	if s.http != nil {
		return find(s.http.Block, name)
	}
	return nil
}

// headers returns the add_header directives the server level uses: nginx
// inherits add_header from the level above only when a level has none.
func (s nginxServer) headers() []*directive {
	if own := all(s.server.Block, "add_header"); len(own) > 0 {
		return own
	}
	if s.http != nil {
		return all(s.http.Block, "add_header")
	}
	return nil
}

// listens reads the listen directives; a server without one listens on 80.
func (s nginxServer) listens() []nginxListen {
	sslOn := false
	if d := find(s.server.Block, "ssl"); d != nil && len(d.Args) == 1 && d.Args[0] == "on" {
		sslOn = true
	}
	var out []nginxListen
	for _, d := range all(s.server.Block, "listen") {
		if len(d.Args) == 0 {
			continue
		}
		l := nginxListen{port: listenPort(d.Args[0]), line: d.Line, tls: sslOn}
		for _, a := range d.Args[1:] {
			if a == "ssl" || a == "quic" {
				l.tls = true
			}
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		out = append(out, nginxListen{port: 80, line: s.server.Line, tls: sslOn})
	}
	return out
}

// listenPort reads the port of a listen address: "80", "*:8443",
// "[::]:443", "10.0.0.1" (port 80); 0 for a unix socket.
func listenPort(addr string) int {
	if strings.HasPrefix(addr, "unix:") {
		return 0
	}
	if n, err := strconv.Atoi(addr); err == nil {
		return n
	}
	if i := strings.LastIndexByte(addr, ':'); i >= 0 && !strings.HasSuffix(addr[:i+1], "::") {
		if n, err := strconv.Atoi(addr[i+1:]); err == nil {
			return n
		}
	}
	return 80
}

// tls reports whether some listen of the server speaks TLS.
func (s nginxServer) tls() bool {
	for _, l := range s.listens() {
		if l.tls {
			return true
		}
	}
	return false
}

// plain80 returns the listen on port 80 without TLS, if any.
func (s nginxServer) plain80() (nginxListen, bool) {
	for _, l := range s.listens() {
		if !l.tls && l.port == 80 {
			return l, true
		}
	}
	return nginxListen{}, false
}

// name identifies the server in findings: its first server_name and the
// ports it listens on.
func (s nginxServer) name() string {
	host := "_"
	if d := find(s.server.Block, "server_name"); d != nil && len(d.Args) > 0 {
		host = d.Args[0]
	}
	var ports []string
	for _, l := range s.listens() {
		if p := strconv.Itoa(l.port); !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	return "server " + host + ":" + strings.Join(ports, ",")
}

package tlsprobe

import (
	"io"
	"net"
	"time"
)

// scripted is a net.Conn whose peer's bytes are fixed in advance; writes
// are discarded. Fuzz targets use it to drive the STARTTLS dialogues,
// which are pure parsers of the server's replies.
type scripted struct {
	r io.Reader
}

func (c *scripted) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *scripted) Write(p []byte) (int, error)      { return len(p), nil }
func (c *scripted) Close() error                     { return nil }
func (c *scripted) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *scripted) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *scripted) SetDeadline(time.Time) error      { return nil }
func (c *scripted) SetReadDeadline(time.Time) error  { return nil }
func (c *scripted) SetWriteDeadline(time.Time) error { return nil }

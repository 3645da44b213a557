package postgres

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// sampleMountinfo is /proc/self/mountinfo of a host whose /var/lib/postgresql
// is an LVM volume on LUKS, with / on a plain partition, a container overlay
// and a mount point holding a space.
const sampleMountinfo = `22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
25 22 0:23 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
30 22 253:1 / /var/lib/postgresql rw,noatime shared:20 - xfs /dev/mapper/vg-pgdata rw
31 22 0:45 / /srv/overlay rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b
32 22 8:17 / /mnt/backup\040disk rw,relatime shared:30 - ext4 /dev/sdb1 rw
garbage line
`

// sampleSys is the matching /sys tree: dm-1 (LVM) sits on dm-0 (LUKS2) on
// nvme0n1p3.
var sampleSys = fstest.MapFS{
	"block/nvme0n1/dev":           {Data: []byte("259:0\n")},
	"block/nvme0n1/nvme0n1p2/dev": {Data: []byte("259:2\n")},
	"block/nvme0n1/nvme0n1p3/dev": {Data: []byte("259:3\n")},
	"block/dm-0/dev":              {Data: []byte("253:0\n")},
	"block/dm-0/dm/uuid":          {Data: []byte("CRYPT-LUKS2-0a1b2c3d-luks-pg\n")},
	"block/dm-0/slaves/nvme0n1p3": {Data: []byte{}},
	"block/dm-1/dev":              {Data: []byte("253:1\n")},
	"block/dm-1/dm/uuid":          {Data: []byte("LVM-abcdef\n")},
	"block/dm-1/slaves/dm-0":      {Data: []byte{}},
	"block/sdb/dev":               {Data: []byte("8:16\n")},
	"block/sdb/sdb1/dev":          {Data: []byte("8:17\n")},
	"block/vda/dev":               {Data: []byte("254:0\n")},
}

func TestParseMountinfo(t *testing.T) {
	got := parseMountinfo(sampleMountinfo)
	want := []mount{
		{majMin: "259:2", point: "/", fsType: "ext4", source: "/dev/nvme0n1p2"},
		{majMin: "0:23", point: "/proc", fsType: "proc", source: "proc"},
		{majMin: "253:1", point: "/var/lib/postgresql", fsType: "xfs",
			source: "/dev/mapper/vg-pgdata"},
		{majMin: "0:45", point: "/srv/overlay", fsType: "overlay", source: "overlay"},
		{majMin: "8:17", point: "/mnt/backup disk", fsType: "ext4", source: "/dev/sdb1"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(mount{})); diff != "" {
		t.Errorf("mounts (-want +got):\n%s", diff)
	}
}

func TestStorageOf(t *testing.T) {
	mounts := parseMountinfo(sampleMountinfo)
	tests := []struct {
		dir, encrypted, mount string
	}{
		{"/var/lib/postgresql/15/main", "yes", "/var/lib/postgresql"},
		{"/var/lib/postgres", "no", "/"},
		{"/srv/overlay/pgdata", "unknown", "/srv/overlay"},
		{"/mnt/backup disk/pg", "no", "/mnt/backup disk"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			st := storageOf(mounts, sampleSys, tt.dir)
			if st.Encrypted != tt.encrypted || st.Mount != tt.mount {
				t.Errorf("storage = %+v, want %s on %s", *st, tt.encrypted, tt.mount)
			}
			if st.Reason == "" {
				t.Error("no reason given")
			}
		})
	}
}

func TestDMCrypt(t *testing.T) {
	tests := []struct {
		majMin, want string
	}{
		{"253:1", "yes"},     // LVM on LUKS
		{"253:0", "yes"},     // LUKS itself
		{"259:2", "no"},      // a partition
		{"254:0", "unknown"}, // a virtio disk: the hypervisor may encrypt it
		{"0:45", "unknown"},  // no block device
		{"9:9", "unknown"},   // not listed
	}
	for _, tt := range tests {
		t.Run(tt.majMin, func(t *testing.T) {
			if got, why := dmCrypt(sampleSys, tt.majMin); got != tt.want {
				t.Errorf("dmCrypt(%s) = %s (%s), want %s", tt.majMin, got, why, tt.want)
			}
		})
	}
}

func TestEncryptionVerdicts(t *testing.T) {
	patients := Table{Schema: "public", Name: "patients", Columns: []string{"id", "ssn"},
		Types: []string{"integer", "bytea"}}
	tests := []struct {
		name    string
		storage *Storage
		ext     map[string]string
		want    string
	}{
		{"LUKS under the data directory passes", &Storage{Encrypted: "yes"}, nil, "pass"},
		{"a plain disk with ePHI in clear fails", &Storage{Encrypted: "no"}, nil, "fail"},
		{"a plain disk with every ePHI column encrypted passes", &Storage{Encrypted: "no"},
			map[string]string{"pgcrypto": "1.3"}, "pass"},
		{"no host evidence is unknown", nil, nil, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Snapshot{Tables: []Table{patients}}
			s.Storage, s.Extensions = tt.storage, tt.ext
			s.EPHI = discoverEPHI(s.Tables)
			fs := Evaluate(s, "db", Options{})
			for _, f := range fs {
				if f.Check == "postgres.encryption.at-rest" && string(f.Status) != tt.want {
					t.Errorf("status = %s (%s), want %s", f.Status, f.Message, tt.want)
				}
			}
		})
	}
}

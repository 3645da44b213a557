package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kollguard/kollguard/internal/check"
)

// These cases come from public bug reports against other scanners; each is
// written here in our own words.

// statusOf returns the status of check id on resource addr.
func statusOf(t *testing.T, fs []check.Finding, id, addr string) check.Status {
	t.Helper()
	for _, f := range fs {
		if f.Check == id && f.Resource == addr {
			return f.Status
		}
	}
	t.Fatalf("no %s finding on %s", id, addr)
	return ""
}

func TestEncryptionInASeparateResourceWithAKMSKeyPasses(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
resource "aws_kms_key" "docs" { enable_key_rotation = true }
resource "aws_s3_bucket" "docs" { bucket = "clinic-docs" }
resource "aws_s3_bucket_server_side_encryption_configuration" "docs" {
  bucket = aws_s3_bucket.docs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.docs.arn
    }
    bucket_key_enabled = true
  }
}`}, Options{})
	st := statusOf(t, Evaluate(s, "t"), "terraform.aws.s3.cmk", "aws_s3_bucket.docs")
	if st != check.Pass {
		t.Errorf("s3.cmk = %s", st)
	}
}

func TestEncryptionThroughNestedDynamicBlocksInALocalModulePasses(t *testing.T) {
	s := loadFiles(t, map[string]string{
		"main.tf": `
variable "encryption" {
  type = map(object({ algorithm = string }))
  default = { main = { algorithm = "aws:kms" } }
}
resource "aws_kms_key" "k" { enable_key_rotation = true }
module "store" {
  source     = "./modules/store"
  rules      = var.encryption
  kms_key_id = aws_kms_key.k.arn
}`,
		"modules/store/main.tf": `
variable "rules" {}
variable "kms_key_id" {}
resource "aws_s3_bucket" "this" { bucket = "records" }
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  dynamic "rule" {
    for_each = var.rules
    content {
      dynamic "apply_server_side_encryption_by_default" {
        for_each = [rule.value]
        iterator = enc
        content {
          sse_algorithm     = enc.value.algorithm
          kms_master_key_id = var.kms_key_id
        }
      }
    }
  }
}`}, Options{})
	fs := Evaluate(s, "t")
	st := statusOf(t, fs, "terraform.aws.s3.cmk", "module.store.aws_s3_bucket.this")
	if st != check.Pass {
		t.Errorf("s3.cmk = %s (errors %v)", st, s.Errors)
	}
}

const bucketModule = `
variable "name" {}
resource "aws_s3_bucket" "this" { bucket = var.name }
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket_logging" "this" {
  bucket        = aws_s3_bucket.this.id
  target_bucket = "logs"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.bucket
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = "AES256" }
  }
}`

// byCheck maps each check to the statuses of its findings, ignoring
// addresses.
func byCheck(fs []check.Finding) map[string][]check.Status {
	out := map[string][]check.Status{}
	for _, f := range fs {
		out[f.Check] = append(out[f.Check], f.Status)
	}
	return out
}

func TestAModuleWithCountOneJudgesLikeOneWithoutCount(t *testing.T) {
	judge := func(meta string) map[string][]check.Status {
		s := loadFiles(t, map[string]string{"modules/bucket/main.tf": bucketModule,
			"main.tf": `module "b" {
  source = "./modules/bucket"
  name   = "docs"
  ` + meta + `
}`}, Options{})
		return byCheck(Evaluate(s, "t"))
	}
	without, with := judge(""), judge("count = 1")
	if diff := cmp.Diff(without, with); diff != "" {
		t.Errorf("statuses differ (-without count +with count):\n%s", diff)
	}
	if got := with["terraform.aws.s3.versioning"]; !cmp.Equal(got, []check.Status{check.Pass}) {
		t.Errorf("versioning inside the counted module = %v", got)
	}
}

func TestAResourceCountedToZeroByTfvarsHasNoFindings(t *testing.T) {
	s := loadFiles(t, map[string]string{
		"terraform.tfvars": "create_replica = false\n",
		"main.tf": `
variable "create_replica" { default = true }
resource "aws_db_instance" "replica" {
  count             = var.create_replica ? 1 : 0
  storage_encrypted = false
}`}, Options{})
	for _, f := range Evaluate(s, "t") {
		if strings.Contains(f.Resource, "replica") {
			t.Errorf("finding on a resource that is not created: %s %s", f.Check, f.Status)
		}
	}
}

func TestForEachOverAnUnsetVariableStillReportsALiteralFailure(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
variable "teams" { type = set(string) }
resource "aws_s3_bucket" "team" {
  for_each = var.teams
  bucket   = "clinic-${each.key}"
  acl      = "public-read"
}`}, Options{})
	st := statusOf(t, Evaluate(s, "t"), "terraform.aws.s3.public-acl", "aws_s3_bucket.team[?]")
	if st != check.Fail {
		t.Errorf("public-acl = %s", st)
	}
}

func TestAModuleOutputFeedsAnotherModule(t *testing.T) {
	s := loadFiles(t, map[string]string{
		"main.tf": `
module "keys" { source = "./keys" }
module "db" {
  source    = "./db"
  key_arn   = module.keys.arn
  retention = module.keys.retention
}`,
		"keys/main.tf": `
resource "aws_kms_key" "db" { enable_key_rotation = true }
output "arn" { value = aws_kms_key.db.arn }
output "retention" { value = 14 }`,
		"db/main.tf": `
variable "key_arn" {}
variable "retention" { type = number }
resource "aws_db_instance" "this" {
  storage_encrypted       = true
  kms_key_id              = var.key_arn
  backup_retention_period = var.retention
}`}, Options{})
	fs := Evaluate(s, "t")
	for _, id := range []string{"terraform.aws.rds.cmk", "terraform.aws.rds.backup-retention"} {
		if st := statusOf(t, fs, id, "module.db.aws_db_instance.this"); st != check.Pass {
			t.Errorf("%s = %s", id, st)
		}
	}
	refs := attrOf(t, s, "module.db.aws_db_instance.this", "kms_key_id")
	if from := unknownFrom(refs); !cmp.Equal(from, []string{"module.keys.aws_kms_key.db"}) {
		t.Errorf("kms_key_id comes from %v", from)
	}
}

func FuzzLoad(f *testing.F) {
	for _, c := range allCases() {
		f.Add([]byte(c.pass))
	}
	f.Add([]byte(bucketModule))
	f.Add([]byte("resource \"x\" \"y\" {\n dynamic \"a\" { for_each = 1 }\n count = -1\n}"))
	f.Add([]byte(`locals { a = [for x in local.a : x] }`))
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		snap, err := Load(t.Context(), dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		Evaluate(snap, "fuzz")
	})
}

func TestForEachOverAListWithAnUnknownElementIsOneUnknownInstance(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
variable "extra" { type = string }
resource "aws_s3_bucket" "b" {
  for_each = ["a", var.extra]
  acl      = "private"
}`}, Options{})
	if diff := cmp.Diff([]string{"aws_s3_bucket.b[?]"}, addresses(s)); diff != "" {
		t.Errorf("addresses (-want +got):\n%s", diff)
	}
}

func TestCompanionsLinkInstanceByInstance(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
variable "versioned" { default = ["Enabled", "Suspended"] }
resource "aws_s3_bucket" "b" {
  count  = 2
  bucket = "b-${count.index}"
}
resource "aws_s3_bucket_versioning" "v" {
  count  = 2
  bucket = aws_s3_bucket.b[count.index].id
  versioning_configuration { status = var.versioned[count.index] }
}`}, Options{})
	fs := Evaluate(s, "t")
	for addr, want := range map[string]check.Status{
		"aws_s3_bucket.b[0]": check.Pass, "aws_s3_bucket.b[1]": check.Fail,
	} {
		if st := statusOf(t, fs, "terraform.aws.s3.versioning", addr); st != want {
			t.Errorf("%s: %s, want %s", addr, st, want)
		}
	}
}

func TestAnUnknownVersioningStatusIsUnknownNotFailed(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
variable "status" { type = string }
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration { status = var.status }
}`}, Options{})
	st := statusOf(t, Evaluate(s, "t"), "terraform.aws.s3.versioning", "aws_s3_bucket.b")
	if st != check.Unknown {
		t.Errorf("versioning = %s", st)
	}
}

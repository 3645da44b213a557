package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile/scanfiletest"
)

// attrOf returns one attribute of the resource at addr.
func attrOf(t *testing.T, s *Snapshot, addr, name string) any {
	t.Helper()
	for _, r := range s.Resources {
		if r.Address == addr {
			return r.Attributes[name]
		}
	}
	t.Fatalf("no resource %s; have %v (errors %v)", addr, addresses(s), s.Errors)
	return nil
}

func addresses(s *Snapshot) []string {
	var out []string
	for _, r := range s.Resources {
		out = append(out, r.Address)
	}
	return out
}

const precedenceMain = `
variable "x" { default = "default" }
resource "null_resource" "r" { triggers = { x = var.x } }
`

func TestVariablePrecedence(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		o     Options
		want  string
	}{
		{"the default applies when nothing else is given", nil, Options{}, "default"},
		{"TF_VAR_ beats the default",
			nil, Options{Env: []string{"PATH=/bin", "TF_VAR_x=env"}}, "env"},
		{"terraform.tfvars beats TF_VAR_",
			map[string]string{"terraform.tfvars": `x = "tfvars"`},
			Options{Env: []string{"TF_VAR_x=env"}}, "tfvars"},
		{"auto.tfvars beat terraform.tfvars, the last in lexical order winning",
			map[string]string{"terraform.tfvars": `x = "tfvars"`, "b.auto.tfvars": `x = "b"`,
				"a.auto.tfvars.json": `{"x": "a"}`}, Options{}, "b"},
		{"var files beat auto.tfvars, in the order given",
			map[string]string{"a.auto.tfvars": `x = "auto"`, "one.tfvars": `x = "one"`,
				"two.tfvars": `x = "two"`}, Options{VarFiles: []string{"one.tfvars", "two.tfvars"}},
			"two"},
		{"-var beats every file",
			map[string]string{"one.tfvars": `x = "one"`},
			Options{VarFiles: []string{"one.tfvars"}, Vars: map[string]string{"x": "cli"}}, "cli"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"main.tf": precedenceMain}
			for k, v := range tt.files {
				files[k] = v
			}
			s := loadFiles(t, files, tt.o)
			got := attrOf(t, s, "null_resource.r", "triggers").(map[string]any)["x"]
			if got != tt.want {
				t.Errorf("var.x = %v, want %q (errors %v)", got, tt.want, s.Errors)
			}
		})
	}
}

func TestTypedVariablesFromTheEnvironmentAreParsed(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
variable "n" { type = number }
variable "tags" { type = map(string) }
resource "null_resource" "r" {
  count    = var.n
  triggers = var.tags
}
`}, Options{Env: []string{"TF_VAR_n=2", `TF_VAR_tags={ team = "ops" }`}})
	want := []string{"null_resource.r[0]", "null_resource.r[1]"}
	if diff := cmp.Diff(want, addresses(s)); diff != "" {
		t.Fatalf("addresses (-want +got):\n%s", diff)
	}
	got := attrOf(t, s, "null_resource.r[1]", "triggers")
	if !cmp.Equal(got, map[string]any{"team": "ops"}) {
		t.Errorf("triggers = %v", got)
	}
}

func TestExpressionsAndFunctions(t *testing.T) {
	s := loadFiles(t, map[string]string{"policy.json": `{"a": 1}`, "main.tf": `
variable "env" { default = "prod" }
locals {
  base    = { team = "ops", env = var.env }
  tags    = merge(local.base, { app = "ehr" })
  names   = [for n in ["a", "b", "c"] : upper(n) if n != "b"]
  envmap  = { for k, v in local.base : v => k }
  first   = element(concat(["x"], ["y"]), 1)
  joined  = join(",", sort(keys(local.tags)))
  pick    = lookup(local.tags, "missing", "fallback")
  fmt     = format("%s-%03d", var.env, 7)
  cond    = var.env == "prod" ? "big" : "small"
  safe    = try(local.base.nope, "tried")
  able    = can(local.base.nope)
  json    = jsonencode({ b = [1, 2] })
  set     = length(toset(["a", "a", "b"]))
  repl    = replace("a-b-c", "/-/", "_")
  split   = split(",", "x,y")[1]
  has     = contains(["a"], "a")
  coal    = coalesce("", "c")
  file    = jsondecode(file("${path.module}/policy.json")).a
  objs    = [{ n = 1 }, { n = 2 }]
  splat   = local.objs[*].n
}
resource "null_resource" "r" {
  triggers = {
    tags = local.tags, names = local.names, envmap = local.envmap, first = local.first,
    joined = local.joined, pick = local.pick, fmt = local.fmt, cond = local.cond,
    safe = local.safe, able = local.able, json = local.json, set = local.set,
    repl = local.repl, split = local.split, has = local.has, coal = local.coal,
    file = local.file, splat = local.splat
  }
}
`}, Options{})
	got := attrOf(t, s, "null_resource.r", "triggers")
	want := map[string]any{
		"tags":  map[string]any{"team": "ops", "env": "prod", "app": "ehr"},
		"names": []any{"A", "C"}, "envmap": map[string]any{"ops": "team", "prod": "env"},
		"first": "y", "joined": "app,env,team", "pick": "fallback", "fmt": "prod-007",
		"cond": "big", "safe": "tried", "able": false, "json": `{"b":[1,2]}`, "set": 2.0,
		"repl": "a_b_c", "split": "y", "has": true, "coal": "c", "file": 1.0,
		"splat": []any{1.0, 2.0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("triggers (-want +got):\n%s\nerrors: %v", diff, s.Errors)
	}
}

func TestCountAndForEachAddressInstancesAsTerraformDoes(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
variable "buckets" { default = { logs = "l", docs = "d" } }
resource "aws_s3_bucket" "counted" {
  count  = 2
  bucket = "b-${count.index}"
}
resource "aws_s3_bucket" "mapped" {
  for_each = var.buckets
  bucket   = "${each.key}-${each.value}"
}
resource "aws_s3_bucket" "set" {
  for_each = toset(["x"])
  bucket   = each.key
}
resource "aws_s3_bucket" "none" {
  count  = 0
  bucket = "never"
}
`}, Options{})
	want := []string{`aws_s3_bucket.counted[0]`, `aws_s3_bucket.counted[1]`,
		`aws_s3_bucket.mapped["docs"]`, `aws_s3_bucket.mapped["logs"]`, `aws_s3_bucket.set["x"]`}
	if diff := cmp.Diff(want, addresses(s)); diff != "" {
		t.Fatalf("addresses (-want +got):\n%s", diff)
	}
	if got := attrOf(t, s, `aws_s3_bucket.mapped["docs"]`, "bucket"); got != "docs-d" {
		t.Errorf("bucket = %v", got)
	}
}

func TestNestedDynamicBlocksExpand(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
locals {
  rules = {
    web = { ports = [80, 443] }
    db  = { ports = [5432] }
  }
}
resource "aws_wafv2_rule_group" "g" {
  dynamic "rule" {
    for_each = local.rules
    iterator = r
    content {
      name = r.key
      dynamic "port" {
        for_each = r.value.ports
        content { number = port.value }
      }
    }
  }
}
`}, Options{})
	got := attrOf(t, s, "aws_wafv2_rule_group.g", "rule")
	want := []any{
		map[string]any{"name": "db", "port": []any{map[string]any{"number": 5432.0}}},
		map[string]any{"name": "web", "port": []any{map[string]any{"number": 80.0},
			map[string]any{"number": 443.0}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
}

func TestModulesLocalAndFetched(t *testing.T) {
	s := loadFiles(t, map[string]string{
		"main.tf": `
module "store" {
  source = "./modules/store"
  name   = "docs"
}
module "remote" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.0.0"
  bucket  = module.store.bucket_name
}
module "many" {
  source   = "./modules/store"
  for_each = toset(["a", "b"])
  name     = each.key
}
`,
		"modules/store/main.tf": `
variable "name" {}
resource "aws_s3_bucket" "this" { bucket = "clinic-${var.name}" }
output "bucket_name" { value = aws_s3_bucket.this.bucket }
`,
		".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},
{"Key":"remote","Source":"registry.terraform.io/terraform-aws-modules/s3-bucket/aws",
 "Dir":".terraform/modules/remote"}]}`,
		".terraform/modules/remote/main.tf": `
variable "bucket" {}
resource "aws_s3_bucket" "this" { bucket = "${var.bucket}-copy" }
`,
	}, Options{})
	if len(s.Errors) > 0 {
		t.Fatalf("errors: %v", s.Errors)
	}
	got := attrOf(t, s, "module.remote.aws_s3_bucket.this", "bucket")
	if got != "clinic-docs-copy" {
		t.Errorf("fetched module bucket = %v", got)
	}
	for _, key := range []string{"a", "b"} {
		addr := `module.many["` + key + `"].aws_s3_bucket.this`
		attrOf(t, s, addr, "bucket")
	}
	for _, r := range s.Resources {
		remote := r.Address == "module.remote.aws_s3_bucket.this"
		if remote && r.File != ".terraform/modules/remote/main.tf" {
			t.Errorf("file = %s", r.File)
		}
	}
}

func TestAMissingRemoteModuleIsReportedAndTheRestLoads(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
module "vpc" { source = "terraform-aws-modules/vpc/aws" }
resource "aws_s3_bucket" "b" { bucket = "docs" }
`}, Options{})
	if len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Error(), "main.tf:2:") {
		t.Errorf("errors = %v", s.Errors)
	}
	attrOf(t, s, "aws_s3_bucket.b", "bucket")
}

func TestUnknownValuesNameTheExpression(t *testing.T) {
	fs := findingsOf(t, "terraform.aws.rds.encrypted", map[string]string{"main.tf": `
variable "encrypted" { type = bool }

resource "aws_db_instance" "d" {
  storage_encrypted = var.encrypted
}
`}, Options{})
	expectAll(t, fs, check.Unknown)
	if !strings.Contains(fs[0].Message, "main.tf:5: var.encrypted") {
		t.Errorf("message %q does not name the expression", fs[0].Message)
	}
	if fs[0].Location == nil || fs[0].Location.Path != "main.tf" || fs[0].Location.Line != 4 {
		t.Errorf("location = %+v", fs[0].Location)
	}
}

func TestReferenceCyclesAreErrorsWithFileAndLine(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
locals {
  a = local.b
  b = local.a
}
`}, Options{})
	if len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Error(), "main.tf:") ||
		!strings.Contains(s.Errors[0].Message, "cycle") {
		t.Errorf("errors = %v", s.Errors)
	}
}

func TestASyntaxErrorSparesTheOtherFiles(t *testing.T) {
	s := loadFiles(t, map[string]string{
		"bad.tf":  "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \n}\n",
		"good.tf": `resource "aws_db_instance" "d" { storage_encrypted = true }`,
	}, Options{})
	var errs, passes int
	for _, f := range Evaluate(s, "t") {
		switch {
		case f.Status == check.Error:
			errs++
			if f.Location == nil || f.Location.Path != "bad.tf" || f.Location.Line != 2 {
				t.Errorf("error finding at %+v: %s", f.Location, f.Message)
			}
		case f.Check == "terraform.aws.rds.encrypted" && f.Status == check.Pass:
			passes++
		}
	}
	if errs == 0 || passes != 1 {
		t.Errorf("%d error findings, %d passes of the good file", errs, passes)
	}
}

func TestWorkIsBounded(t *testing.T) {
	t.Run("a module that includes itself stops at the depth limit", func(t *testing.T) {
		s := loadFiles(t, map[string]string{"main.tf": `module "me" { source = "./" }`}, Options{})
		if len(s.Errors) == 0 || !strings.Contains(s.Errors[0].Message, "deeper than 10") {
			t.Errorf("errors = %v", s.Errors)
		}
	})
	t.Run("a huge count is cut at 10,000 instances with an error", func(t *testing.T) {
		s := loadFiles(t, map[string]string{"main.tf": `
resource "aws_ebs_volume" "v" { count = 20000 }`}, Options{})
		if len(s.Resources) != maxInstances || len(s.Errors) != 1 {
			t.Errorf("%d resources, errors %v", len(s.Resources), s.Errors)
		}
	})
}

func TestSnapshotsSurviveJSON(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": awsCases[0].pass + `
variable "v" {}
resource "aws_db_instance" "d" { storage_encrypted = var.v }`}, Options{})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Evaluate(s, "t"), Evaluate(&back, "t")); diff != "" {
		t.Errorf("findings differ after a JSON round trip (-before +after):\n%s", diff)
	}
}

func TestIsTerraformDir(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  bool
	}{
		{"a directory with .tf files is one", map[string]string{"main.tf": ""}, true},
		{"a directory with .tf.json files is one", map[string]string{"main.tf.json": "{}"}, true},
		{"a directory with a plan is one", map[string]string{"plan.json": planJSON}, true},
		{"a directory of other JSON is not", map[string]string{"x.json": `{"a":1}`}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := scanfiletest.WriteTree(t, tt.files)
			if got := IsTerraformDir(dir); got != tt.want {
				t.Errorf("IsTerraformDir = %v", got)
			}
		})
	}
}

func ExampleEvaluate() {
	s := &Snapshot{Source: "configuration", Resources: []Resource{{
		Address: "aws_cloudtrail.main", Mode: "managed", Type: "aws_cloudtrail", Name: "main",
		File: "main.tf", Line: 1, Attributes: map[string]any{"enable_log_file_validation": false},
	}}}
	for _, f := range Evaluate(s, "infra") {
		if f.Check == "terraform.aws.cloudtrail.log-validation" {
			fmt.Println(f.Status, f.Resource, f.Message)
		}
	}
	// Output: fail aws_cloudtrail.main log file validation is off
}

func TestCountedModulesNestedInThemselvesStopAtTheBudget(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
module "me" {
  source = "./"
  count  = 1000
}
resource "aws_ebs_volume" "v" {}`}, Options{})
	if len(s.Resources) > maxTotal || len(s.Errors) == 0 {
		t.Errorf("%d resources, errors %v", len(s.Resources), s.Errors)
	}
}

func TestADuplicateResourceIsAnError(t *testing.T) {
	s := loadFiles(t, map[string]string{
		"a.tf": `resource "aws_kms_key" "k" { enable_key_rotation = true }`,
		"b.tf": `resource "aws_kms_key" "k" { enable_key_rotation = false }`,
	}, Options{})
	if len(s.Errors) != 1 ||
		!strings.Contains(s.Errors[0].Error(), "b.tf:1: duplicate aws_kms_key.k") {
		t.Errorf("errors = %v", s.Errors)
	}
}

func TestOptionalObjectAttributesTakeTheirDefaults(t *testing.T) {
	s := loadFiles(t, map[string]string{"main.tf": `
variable "db" {
  type = object({
    name      = string
    encrypted = optional(bool, true)
  })
  default = { name = "ehr" }
}
resource "aws_db_instance" "d" {
  identifier        = var.db.name
  storage_encrypted = var.db.encrypted
}`}, Options{})
	if got := attrOf(t, s, "aws_db_instance.d", "storage_encrypted"); got != true {
		t.Errorf("storage_encrypted = %v (errors %v)", got, s.Errors)
	}
}

func TestTemplateFilesRenderWithTheirVariables(t *testing.T) {
	s := loadFiles(t, map[string]string{
		"policy.json.tpl": `{"Statement": [{"Effect": "Allow", "Action": "${action}",` +
			` "Resource": "${upper(res)}"}]}`,
		"main.tf": `
resource "aws_iam_policy" "p" {
  policy = templatefile("${path.module}/policy.json.tpl", { action = "*", res = "*" })
}`}, Options{})
	st := statusOf(t, Evaluate(s, "t"), "terraform.aws.iam.wildcard", "aws_iam_policy.p")
	if st != check.Fail {
		t.Errorf("wildcard = %s (policy %v)", st, attrOf(t, s, "aws_iam_policy.p", "policy"))
	}
}

func TestOverrideFilesMergeIntoTheirBlocks(t *testing.T) {
	s := loadFiles(t, map[string]string{
		"main.tf": `
variable "days" { default = 1 }
resource "aws_db_instance" "d" {
  storage_encrypted       = false
  backup_retention_period = var.days
}`,
		"prod_override.tf": `
variable "days" { default = 14 }
resource "aws_db_instance" "d" { storage_encrypted = true }`,
	}, Options{})
	if len(s.Errors) > 0 {
		t.Fatalf("errors: %v", s.Errors)
	}
	if got := attrOf(t, s, "aws_db_instance.d", "storage_encrypted"); got != true {
		t.Errorf("storage_encrypted = %v", got)
	}
	if got := attrOf(t, s, "aws_db_instance.d", "backup_retention_period"); got != 14.0 {
		t.Errorf("backup_retention_period = %v", got)
	}
}

func TestFileFollowsNoLinkOutOfTheScannedTree(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte("outside-the-tree"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	main := `resource "aws_s3_bucket" "b" { bucket = file("${path.module}/link.txt") }`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := attrOf(t, s, "aws_s3_bucket.b", "bucket"); got == "outside-the-tree" {
		t.Errorf("file() read a file outside the scanned tree through a link")
	}
}

func TestAFileOfJunkIsOneFinding(t *testing.T) {
	junk := make([]byte, 64<<10)
	for i := range junk {
		junk[i] = byte(i*7919 + i/3)
	}
	s := loadFiles(t, map[string]string{"blob.tf": string(junk),
		"main.tf": `resource "aws_s3_bucket" "b" {}`}, Options{})
	var errs []check.Finding
	for _, f := range Evaluate(s, "t") {
		if f.Status == check.Error {
			errs = append(errs, f)
		}
	}
	if len(errs) != 1 || errs[0].Location == nil || errs[0].Location.Path != "blob.tf" {
		t.Fatalf("got %d error findings, want one for blob.tf: %+v", len(errs), errs)
	}
}

package terraform

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile/scanfiletest"
)

const planJSON = `{
  "format_version": "1.2",
  "planned_values": {"root_module": {
    "resources": [
      {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
       "values": {"bucket": "docs"}}
    ],
    "child_modules": [{"address": "module.enc", "resources": [
      {"address": "module.enc.aws_s3_bucket_server_side_encryption_configuration.e",
       "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration",
       "name": "e", "values": {"bucket": "docs", "rule": [{
         "apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms",
           "kms_master_key_id": "arn:aws:kms:eu-west-1:1:key/k"}]}]}},
      {"address": "module.enc.aws_db_instance.d", "mode": "managed", "type": "aws_db_instance",
       "name": "d", "values": {"storage_encrypted": false}}
    ]}]
  }},
  "resource_changes": [
    {"address": "aws_s3_bucket.b", "change": {"after_unknown": {"arn": true}}}
  ]
}`

func TestPlanFiles(t *testing.T) {
	dir, _ := scanfiletest.WriteTree(t, map[string]string{"plan.json": planJSON,
		"main.tf": `resource "aws_db_instance" "d" { storage_encrypted = true }`})
	s, err := Load(context.Background(), dir, Options{PlanFile: "plan.json"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Source != "plan" || len(s.Resources) != 3 {
		t.Fatalf("source %s, resources %v", s.Source, addresses(s))
	}
	got := map[string]check.Status{}
	for _, f := range Evaluate(s, "t") {
		got[f.Check+" "+f.Resource] = f.Status
	}
	for key, want := range map[string]check.Status{
		"terraform.aws.s3.cmk aws_s3_bucket.b":                     check.Pass,
		"terraform.aws.rds.encrypted module.enc.aws_db_instance.d": check.Fail,
	} {
		if got[key] != want {
			t.Errorf("%s: %s, want %s", key, got[key], want)
		}
	}
	if why, ok := isUnknown(attrOf(t, s, "aws_s3_bucket.b", "arn")); !ok || why == "" {
		t.Errorf("arn should be unknown after apply")
	}
}

func TestAPlanAloneInADirectoryIsRead(t *testing.T) {
	dir, _ := scanfiletest.WriteTree(t, map[string]string{"tfplan.json": planJSON})
	s, err := Load(context.Background(), dir, Options{})
	if err != nil || s.Source != "plan" {
		t.Fatalf("source %v, err %v", s, err)
	}
}

func TestStateFilesLinkCompanionsByIdentifier(t *testing.T) {
	dir, _ := scanfiletest.WriteTree(t, map[string]string{"state.json": `{
  "format_version": "1.0",
  "values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
     "values": {"bucket": "docs", "id": "docs", "arn": "arn:aws:s3:::docs"}},
    {"address": "aws_s3_bucket_versioning.v", "mode": "managed",
     "type": "aws_s3_bucket_versioning", "name": "v",
     "values": {"bucket": "docs", "versioning_configuration": [{"status": "Enabled"}]}}
  ]}}
}`})
	s, err := Load(context.Background(), dir, Options{PlanFile: filepath.Join(dir, "state.json")})
	if err != nil {
		t.Fatal(err)
	}
	if s.Source != "state" {
		t.Errorf("source = %s", s.Source)
	}
	st := statusOf(t, Evaluate(s, "t"), "terraform.aws.s3.versioning", "aws_s3_bucket.b")
	if st != check.Pass {
		t.Errorf("versioning = %s", st)
	}
}

//go:build ignore

// Package main is gen, which writes a synthetic Terraform tree of about 20,000
// resources across many files and modules, for benchmarking KollGuard's
// Terraform scanner against other scanners on the same input:
//
//	go run gen.go -out /tmp/tf-bench
//
// The root holds -files files of 20 resources each and instantiates the "stack"
// module -stacks times with for_each; each stack holds 20 resources of its own
// and four instances of the nested "bucket" module (5 resources each).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "tf-bench", "directory to write")
	files := flag.Int("files", 200, "root files of 20 resources")
	stacks := flag.Int("stacks", 400, "instances of the 40-resource stack module")
	flag.Parse()
	if err := generate(*out, *files, *stacks); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: about %d resources\n", *out, *files*20+*stacks*40)
}

func generate(dir string, files, stacks int) error {
	w := map[string]string{
		"variables.tf":              variables,
		"modules/stack/main.tf":     stackMain,
		"modules/stack/services.tf": resources("var.name", ""),
		"modules/bucket/main.tf":    bucketModule,
		"terraform.tfvars":          "environment = \"bench\"\n",
		"stacks.tf":                 stacksFile(stacks),
	}
	for i := 0; i < files; i++ {
		w[fmt.Sprintf("svc_%03d.tf", i)] = resources(fmt.Sprintf("%q", fmt.Sprintf("svc%03d", i)),
			fmt.Sprintf("_f%03d", i))
	}
	for name, text := range w {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

const variables = `
variable "environment" {
  type    = string
  default = "dev"
}
variable "retention" {
  type    = number
  default = 7
}
locals {
  tags = { environment = var.environment, owner = "bench" }
}
`

const stackMain = `
variable "name" { type = string }
variable "retention" { type = number }
locals {
  buckets = toset(["docs", "images", "exports", "logs"])
}
module "bucket" {
  source   = "../bucket"
  for_each = local.buckets
  name     = "${var.name}-${each.key}"
  kms_key  = each.key == "logs" ? null : aws_kms_key.k_0.arn
}
`

const bucketModule = `
variable "name" { type = string }
variable "kms_key" {
  type    = string
  default = null
}
resource "aws_s3_bucket" "this" { bucket = var.name }
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  dynamic "rule" {
    for_each = var.kms_key == null ? [] : [var.kms_key]
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = rule.value
      }
    }
  }
}
resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_s3_bucket_logging" "this" {
  bucket        = aws_s3_bucket.this.id
  target_bucket = "central-logs"
}
`

func stacksFile(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n  stacks = {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    s%04d = %d\n", i, i%30+1)
	}
	b.WriteString("  }\n}\n\nmodule \"stack\" {\n  source    = \"./modules/stack\"\n")
	b.WriteString("  for_each  = local.stacks\n  name      = each.key\n")
	b.WriteString("  retention = each.value\n}\n")
	return b.String()
}

// resources returns 20 resources; name is an HCL expression for a unique
// name, and suffix makes resource names unique within a module.
func resources(name, suffix string) string {
	var b strings.Builder
	for i := 0; i < 2; i++ {
		fmt.Fprintf(&b, resourceBlock, fmt.Sprintf("%d%s", i, suffix), name)
	}
	return b.String()
}

// resourceBlock is 10 resources; %[1]s suffixes their names, %[2]s names them.
const resourceBlock = `
resource "aws_kms_key" "k_%[1]s" {
  description         = "${%[2]s}-%[1]s"
  enable_key_rotation = startswith("%[1]s", "0")
}
resource "aws_db_parameter_group" "pg_%[1]s" {
  family = "postgres14"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}
resource "aws_db_instance" "db_%[1]s" {
  identifier              = "${%[2]s}-db-%[1]s"
  engine                  = "postgres"
  engine_version          = "14.10"
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.k_%[1]s.arn
  parameter_group_name    = aws_db_parameter_group.pg_%[1]s.name
  backup_retention_period = 7
  publicly_accessible     = false
}
resource "aws_cloudtrail" "t_%[1]s" {
  name                       = "${%[2]s}-trail-%[1]s"
  enable_log_file_validation = true
  is_multi_region_trail      = true
  kms_key_id                 = aws_kms_key.k_%[1]s.arn
}
resource "aws_lb_listener" "l_%[1]s" {
  port       = 443
  protocol   = "HTTPS"
  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  default_action {
    type = "forward"
  }
}
resource "aws_security_group" "sg_%[1]s" {
  name = "${%[2]s}-sg-%[1]s"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_iam_policy" "p_%[1]s" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }]
  })
}
resource "aws_cloudwatch_log_group" "g_%[1]s" {
  name              = "/bench/${%[2]s}/%[1]s"
  retention_in_days = 365
}
resource "azurerm_storage_account" "sa_%[1]s" {
  name            = "sa%[1]s"
  min_tls_version = "TLS1_2"
}
resource "google_sql_database_instance" "sql_%[1]s" {
  database_version = "POSTGRES_15"
  settings {
    tier = "db-custom-2-7680"
    ip_configuration { ssl_mode = "ENCRYPTED_ONLY" }
    backup_configuration { enabled = true }
  }
}
`

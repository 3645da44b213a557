package terraform

// awsCases are a passing and a failing configuration for every AWS check.
var awsCases = []checkCase{
	{"terraform.aws.s3.cmk", `
resource "aws_kms_key" "k" { enable_key_rotation = true }
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
  }
}`, `
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = "AES256" }
  }
}`},
	{"terraform.aws.s3.versioning", `
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.bucket
  versioning_configuration { status = "Enabled" }
}`, `
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration { status = "Suspended" }
}`},
	{"terraform.aws.s3.access-logging", `
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_logging" "l" {
  bucket        = aws_s3_bucket.b.id
  target_bucket = "clinic-logs"
  target_prefix = "docs/"
}`, `
resource "aws_s3_bucket" "b" { bucket = "docs" }`},
	{"terraform.aws.s3.public-access-block", `
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_public_access_block" "p" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}`, `
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_public_access_block" "p" {
  bucket            = aws_s3_bucket.b.id
  block_public_acls = true
}`},
	{"terraform.aws.s3.public-acl", `
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_acl" "a" {
  bucket = aws_s3_bucket.b.id
  acl    = "private"
}`, `
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_acl" "a" {
  bucket = aws_s3_bucket.b.id
  acl    = "public-read"
}`},
	{"terraform.aws.s3.https-only", `
resource "aws_s3_bucket" "b" { bucket = "docs" }
data "aws_iam_policy_document" "tls" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.tls.json
}`, `
resource "aws_s3_bucket" "b" { bucket = "docs" }
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::1:root" },
      Action = "s3:GetObject", Resource = "*" }]
  })
}`},
	{"terraform.aws.kms.rotation", `
resource "aws_kms_key" "k" { enable_key_rotation = true }`, `
resource "aws_kms_key" "k" { description = "docs" }`},
	{"terraform.aws.kms.policy-public", `
resource "aws_kms_key" "k" {
  policy = jsonencode({ Statement = [{ Effect = "Allow",
    Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })
}`, `
resource "aws_kms_key" "k" {}
resource "aws_kms_key_policy" "p" {
  key_id = aws_kms_key.k.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*",
    Action = "kms:Decrypt", Resource = "*" }] })
}`},
	{"terraform.aws.ebs.encrypted", `
resource "aws_ebs_volume" "v" {
  encrypted = true
}`, `
resource "aws_ebs_volume" "v" { size = 10 }`},
	{"terraform.aws.ebs.cmk", `
resource "aws_kms_key" "k" {}
resource "aws_ebs_volume" "v" {
  encrypted  = true
  kms_key_id = aws_kms_key.k.arn
}`, `
resource "aws_ebs_volume" "v" { encrypted = true }`},
	{"terraform.aws.efs.encrypted", `
resource "aws_kms_key" "k" {}
resource "aws_efs_file_system" "f" {
  encrypted  = true
  kms_key_id = aws_kms_key.k.arn
}`, `
resource "aws_efs_file_system" "f" { encrypted = false }`},
	{"terraform.aws.dynamodb.cmk", `
resource "aws_kms_key" "k" {}
resource "aws_dynamodb_table" "t" {
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.k.arn
  }
}`, `
resource "aws_dynamodb_table" "t" { name = "visits" }`},
	{"terraform.aws.dynamodb.pitr", `
resource "aws_dynamodb_table" "t" {
  point_in_time_recovery { enabled = true }
}`, `
resource "aws_dynamodb_table" "t" { name = "visits" }`},
	{"terraform.aws.sqs.cmk", `
resource "aws_kms_key" "k" {}
resource "aws_sqs_queue" "q" { kms_master_key_id = aws_kms_key.k.id }`, `
resource "aws_sns_topic" "t" { name = "alerts" }`},
	{"terraform.aws.rds.encrypted", `
resource "aws_db_instance" "d" { storage_encrypted = true }`, `
resource "aws_db_instance" "d" { engine = "postgres" }`},
	{"terraform.aws.rds.cmk", `
resource "aws_kms_key" "k" {}
resource "aws_rds_cluster" "c" {
  storage_encrypted = true
  kms_key_id        = aws_kms_key.k.arn
}`, `
resource "aws_rds_cluster" "c" { storage_encrypted = true }`},
	{"terraform.aws.rds.public", `
resource "aws_db_instance" "d" { publicly_accessible = false }`, `
resource "aws_db_instance" "d" { publicly_accessible = true }`},
	{"terraform.aws.rds.iam-auth", `
resource "aws_db_instance" "d" {
  engine                              = "postgres"
  iam_database_authentication_enabled = true
}`, `
resource "aws_db_instance" "d" { engine = "mysql" }`},
	{"terraform.aws.rds.backup-retention", `
resource "aws_db_instance" "d" { backup_retention_period = 14 }`, `
resource "aws_db_instance" "d" { backup_retention_period = 3 }`},
	{"terraform.aws.rds.force-ssl", `
resource "aws_db_parameter_group" "pg" {
  family = "postgres14"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}
resource "aws_db_instance" "d" {
  engine               = "postgres"
  engine_version       = "14.10"
  parameter_group_name = aws_db_parameter_group.pg.name
}`, `
resource "aws_db_instance" "d" {
  engine         = "postgres"
  engine_version = "14.10"
}`},
	{"terraform.aws.rds.log-exports", `
resource "aws_db_instance" "d" { enabled_cloudwatch_logs_exports = ["postgresql"] }`, `
resource "aws_db_instance" "d" { engine = "postgres" }`},
	{"terraform.aws.rds.deletion-protection", `
resource "aws_rds_cluster" "c" { deletion_protection = true }`, `
resource "aws_rds_cluster" "c" { engine = "aurora-postgresql" }`},
	{"terraform.aws.elasticache.transit-encryption", `
resource "aws_elasticache_replication_group" "r" { transit_encryption_enabled = true }`, `
resource "aws_elasticache_replication_group" "r" { engine = "redis" }`},
	{"terraform.aws.elasticache.at-rest-encryption", `
resource "aws_elasticache_replication_group" "r" { at_rest_encryption_enabled = true }`, `
resource "aws_elasticache_replication_group" "r" { at_rest_encryption_enabled = false }`},
	{"terraform.aws.cloudtrail.log-validation", `
resource "aws_cloudtrail" "t" { enable_log_file_validation = true }`, `
resource "aws_cloudtrail" "t" { name = "main" }`},
	{"terraform.aws.cloudtrail.cmk", `
resource "aws_kms_key" "k" {}
resource "aws_cloudtrail" "t" { kms_key_id = aws_kms_key.k.arn }`, `
resource "aws_cloudtrail" "t" { name = "main" }`},
	{"terraform.aws.cloudtrail.multi-region", `
resource "aws_cloudtrail" "t" { is_multi_region_trail = true }`, `
resource "aws_cloudtrail" "t" { is_multi_region_trail = false }`},
	{"terraform.aws.cloudtrail.logging", `
resource "aws_cloudtrail" "t" { name = "main" }`, `
resource "aws_cloudtrail" "t" { enable_logging = false }`},
	{"terraform.aws.cloudtrail.cloudwatch", `
resource "aws_cloudwatch_log_group" "g" { name = "trail" }
resource "aws_cloudtrail" "t" {
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.g.arn}:*"
}`, `
resource "aws_cloudtrail" "t" { name = "main" }`},
	{"terraform.aws.cloudtrail.s3-data-events", `
resource "aws_cloudtrail" "t" {
  event_selector {
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}`, `
resource "aws_cloudtrail" "t" {
  event_selector { read_write_type = "All" }
}`},
	{"terraform.aws.cloudwatch.log-retention", `
resource "aws_cloudwatch_log_group" "g" { retention_in_days = 400 }`, `
resource "aws_cloudwatch_log_group" "g" { retention_in_days = 30 }`},
	{"terraform.aws.cloudwatch.log-cmk", `
resource "aws_kms_key" "k" {}
resource "aws_cloudwatch_log_group" "g" { kms_key_id = aws_kms_key.k.arn }`, `
resource "aws_cloudwatch_log_group" "g" { name = "app" }`},
	{"terraform.aws.vpc.flow-logs", `
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_flow_log" "f" {
  vpc_id       = aws_vpc.v.id
  traffic_type = "ALL"
}`, `
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }`},
	{"terraform.aws.elb.https-listener", `
resource "aws_lb_listener" "l" {
  port     = 80
  protocol = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}`, `
resource "aws_lb_listener" "l" {
  port     = 80
  protocol = "HTTP"
  default_action { type = "forward" }
}`},
	{"terraform.aws.elb.tls-policy", `
resource "aws_lb_listener" "l" {
  protocol   = "HTTPS"
  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}`, `
resource "aws_lb_listener" "l" {
  protocol   = "HTTPS"
  ssl_policy = "ELBSecurityPolicy-TLS13-1-0-2021-06"
}`},
	{"terraform.aws.cloudfront.https-only", `
resource "aws_cloudfront_distribution" "d" {
  default_cache_behavior { viewer_protocol_policy = "redirect-to-https" }
}`, `
resource "aws_cloudfront_distribution" "d" {
  default_cache_behavior { viewer_protocol_policy = "redirect-to-https" }
  ordered_cache_behavior { viewer_protocol_policy = "allow-all" }
}`},
	{"terraform.aws.cloudfront.tls-policy", `
resource "aws_cloudfront_distribution" "d" {
  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:us-east-1:1:certificate/x"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}`, `
resource "aws_cloudfront_distribution" "d" {
  viewer_certificate { cloudfront_default_certificate = true }
}`},
	{"terraform.aws.apigateway.tls-policy", `
resource "aws_api_gateway_domain_name" "d" { security_policy = "TLS_1_2" }`, `
resource "aws_api_gateway_domain_name" "d" { domain_name = "api.clinic.example" }`},
	{"terraform.aws.opensearch.https", `
resource "aws_opensearch_domain" "o" {
  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
}`, `
resource "aws_opensearch_domain" "o" {
  domain_endpoint_options { enforce_https = true }
}`},
	{"terraform.aws.vpc.database-ports-closed", `
resource "aws_security_group" "g" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`, `
resource "aws_security_group_rule" "r" {
  type        = "ingress"
  from_port   = 5432
  to_port     = 5432
  protocol    = "tcp"
  cidr_blocks = ["0.0.0.0/0"]
}`},
	{"terraform.aws.iam.wildcard", `
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:GetObject"],
    Resource = "arn:aws:s3:::docs/*" }] })
}`, `
resource "aws_iam_role_policy" "p" {
  policy = jsonencode({ Statement = { Effect = "Allow", Action = "*", Resource = "*" } })
}`},
	{"terraform.aws.iam.password-policy", `
resource "aws_iam_account_password_policy" "p" {
  minimum_password_length   = 16
  password_reuse_prevention = 24
}`, `
resource "aws_iam_account_password_policy" "p" { minimum_password_length = 8 }`},
	{"terraform.aws.cognito.mfa", `
resource "aws_cognito_user_pool" "p" { mfa_configuration = "ON" }`, `
resource "aws_cognito_user_pool" "p" { mfa_configuration = "OPTIONAL" }`},
	{"terraform.aws.sso.session-duration", `
resource "aws_ssoadmin_permission_set" "p" { session_duration = "PT4H" }`, `
resource "aws_ssoadmin_permission_set" "p" { session_duration = "PT12H" }`},
	{"terraform.aws.iam.role-session-duration", `
resource "aws_iam_role" "r" { name = "clinician" }`, `
resource "aws_iam_role" "r" { max_session_duration = 43200 }`},
}

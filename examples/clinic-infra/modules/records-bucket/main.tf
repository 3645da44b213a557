# A bucket for clinic records with its companion resources: versioning,
# default encryption (a customer-managed key when one is given), access
# logging (when a log bucket is given) and a policy that refuses plain HTTP.

variable "name" {
  type = string
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "log_bucket" {
  type    = string
  default = null
}

variable "tags" {
  type    = map(string)
  default = {}
}

locals {
  encryption = var.kms_key_arn == null ? {
    sse = { algorithm = "AES256", key = null }
    } : {
    kms = { algorithm = "aws:kms", key = var.kms_key_arn }
  }
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
  tags   = var.tags
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  dynamic "rule" {
    for_each = local.encryption
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm     = rule.value.algorithm
        kms_master_key_id = rule.value.key
      }
      bucket_key_enabled = rule.value.key != null
    }
  }
}

resource "aws_s3_bucket_logging" "this" {
  count         = var.log_bucket == null ? 0 : 1
  bucket        = aws_s3_bucket.this.id
  target_bucket = var.log_bucket
  target_prefix = "s3/${var.name}/"
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    sid       = "DenyPlaintext"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
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

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.tls_only.json
}

output "bucket_id" {
  value = aws_s3_bucket.this.id
}

output "bucket_arn" {
  value = aws_s3_bucket.this.arn
}

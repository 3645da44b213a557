# One customer-managed key for clinical records, rotated yearly.
resource "aws_kms_key" "records" {
  description         = "${local.name} clinical records"
  enable_key_rotation = true
  tags                = local.tags
}

resource "aws_kms_key_policy" "records" {
  key_id = aws_kms_key.records.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudTrailEncrypts"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
      },
    ]
  })
}

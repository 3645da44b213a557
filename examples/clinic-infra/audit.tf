resource "aws_cloudwatch_log_group" "trail" {
  name              = "/clinic/${local.name}/cloudtrail"
  retention_in_days = 2192 # six years
  kms_key_id        = aws_kms_key.records.arn
}

# Mistake: log file validation is off, so a deleted or edited log cannot
# be detected.
resource "aws_cloudtrail" "main" {
  name                       = "${local.name}-trail"
  s3_bucket_name             = module.logs.bucket_id
  is_multi_region_trail      = true
  kms_key_id                 = aws_kms_key.records.arn
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/trail"

  event_selector {
    read_write_type           = "All"
    include_management_events = true
    data_resource {
      type   = "AWS::S3::Object"
      values = ["${module.documents.bucket_arn}/"]
    }
  }
}

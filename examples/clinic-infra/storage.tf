# Scanned referrals and lab reports: encrypted with the clinic's own key.
module "documents" {
  source      = "./modules/records-bucket"
  name        = "${local.name}-documents"
  kms_key_arn = aws_kms_key.records.arn
  log_bucket  = module.logs.bucket_id
  tags        = local.tags
}

# Access logs and the CloudTrail trail. Mistake: no customer-managed key
# (SSE-S3 only), and nobody logs access to the logs themselves.
module "logs" {
  source = "./modules/records-bucket"
  name   = "${local.name}-logs"
  tags   = local.tags
}

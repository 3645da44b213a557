clinic                = "riverside"
environment           = "prod"
backup_retention_days = 14
tags = {
  owner = "it@riverside-clinic.example"
}

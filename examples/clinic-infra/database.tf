resource "aws_db_parameter_group" "ehr" {
  name   = "${local.name}-ehr"
  family = "postgres14"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name  = "log_connections"
    value = "1"
  }
}

# The EHR database. Mistake: created without storage encryption, so its
# data, backups and snapshots sit in plaintext, and no key of ours protects
# them.
resource "aws_db_instance" "ehr" {
  identifier                          = "${local.name}-ehr"
  engine                              = "postgres"
  engine_version                      = var.db_engine_version
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 100
  username                            = "ehr_admin"
  manage_master_user_password         = true
  parameter_group_name                = aws_db_parameter_group.ehr.name
  iam_database_authentication_enabled = true
  publicly_accessible                 = false
  backup_retention_period             = var.backup_retention_days
  deletion_protection                 = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  tags                                = local.tags
}

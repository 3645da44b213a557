variable "region" {
  type    = string
  default = "us-east-1"
}

variable "clinic" {
  type = string
}

variable "environment" {
  type    = string
  default = "dev"
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "backup_retention_days" {
  type    = number
  default = 7
}

variable "db_engine_version" {
  type    = string
  default = "14.12"
}

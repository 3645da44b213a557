# Riverside Family Clinic: the AWS infrastructure behind its patient portal
# and electronic health records. A KollGuard example: it holds a handful of
# realistic HIPAA mistakes on purpose, each marked "Mistake:" where it lives
# (internal/terraform/example_test.go pins the findings).

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

locals {
  name = "${var.clinic}-${var.environment}"
  tags = merge(var.tags, {
    clinic      = var.clinic
    environment = var.environment
    data_class  = "ephi"
  })
}

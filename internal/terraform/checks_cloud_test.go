package terraform

// azureCases are a passing and a failing configuration for every Azure
// check.
var azureCases = []checkCase{
	{"terraform.azure.storage.min-tls", `
resource "azurerm_storage_account" "s" { min_tls_version = "TLS1_2" }`, `
resource "azurerm_storage_account" "s" { min_tls_version = "TLS1_0" }`},
	{"terraform.azure.storage.https-only", `
resource "azurerm_storage_account" "s" { name = "docs" }`, `
resource "azurerm_storage_account" "s" { enable_https_traffic_only = false }`},
	{"terraform.azure.storage.public-access", `
resource "azurerm_storage_account" "s" { allow_nested_items_to_be_public = false }`, `
resource "azurerm_storage_account" "s" { name = "docs" }`},
	{"terraform.azure.storage.cmk", `
resource "azurerm_key_vault_key" "k" { name = "docs" }
resource "azurerm_storage_account" "s" { name = "docs" }
resource "azurerm_storage_account_customer_managed_key" "c" {
  storage_account_id = azurerm_storage_account.s.id
  key_vault_key_id   = azurerm_key_vault_key.k.id
}`, `
resource "azurerm_storage_account" "s" { name = "docs" }`},
	{"terraform.azure.sql.min-tls", `
resource "azurerm_mssql_server" "s" { name = "ehr" }`, `
resource "azurerm_mssql_server" "s" { minimum_tls_version = "1.0" }`},
	{"terraform.azure.sql.public-access", `
resource "azurerm_mssql_server" "s" { public_network_access_enabled = false }`, `
resource "azurerm_mssql_server" "s" { name = "ehr" }`},
	{"terraform.azure.sql.auditing", `
resource "azurerm_mssql_server" "s" { name = "ehr" }
resource "azurerm_mssql_server_extended_auditing_policy" "a" {
  server_id         = azurerm_mssql_server.s.id
  retention_in_days = 180
}`, `
resource "azurerm_mssql_server" "s" { name = "ehr" }
resource "azurerm_mssql_server_extended_auditing_policy" "a" {
  server_id         = azurerm_mssql_server.s.id
  retention_in_days = 30
}`},
	{"terraform.azure.sql.entra-admin", `
resource "azurerm_mssql_server" "s" {
  azuread_administrator {
    login_username = "dba-group"
    object_id      = "00000000-0000-0000-0000-000000000000"
  }
}`, `
resource "azurerm_mssql_server" "s" { administrator_login = "sa" }`},
	{"terraform.azure.postgres.ssl", `
resource "azurerm_postgresql_server" "p" {
  ssl_enforcement_enabled          = true
  ssl_minimal_tls_version_enforced = "TLS1_2"
}`, `
resource "azurerm_postgresql_flexible_server" "p" { name = "ehr" }
resource "azurerm_postgresql_flexible_server_configuration" "c" {
  server_id = azurerm_postgresql_flexible_server.p.id
  name      = "require_secure_transport"
  value     = "off"
}`},
	{"terraform.azure.appservice.https-only", `
resource "azurerm_linux_web_app" "a" { https_only = true }`, `
resource "azurerm_windows_web_app" "a" { name = "portal" }`},
	{"terraform.azure.appservice.min-tls", `
resource "azurerm_linux_web_app" "a" {
  site_config { minimum_tls_version = "1.2" }
}`, `
resource "azurerm_linux_web_app" "a" {
  site_config { minimum_tls_version = "1.0" }
}`},
	{"terraform.azure.keyvault.purge-protection", `
resource "azurerm_key_vault" "v" { purge_protection_enabled = true }`, `
resource "azurerm_key_vault" "v" { name = "keys" }`},
	{"terraform.azure.keyvault.key-rotation", `
resource "azurerm_key_vault_key" "k" {
  rotation_policy {
    automatic { time_before_expiry = "P30D" }
    expire_after = "P90D"
  }
}`, `
resource "azurerm_key_vault_key" "k" { name = "docs" }`},
	{"terraform.azure.monitor.log-retention", `
resource "azurerm_log_analytics_workspace" "w" { retention_in_days = 730 }`, `
resource "azurerm_log_analytics_workspace" "w" { name = "logs" }`},
	{"terraform.azure.disk.cmk", `
resource "azurerm_disk_encryption_set" "e" { name = "des" }
resource "azurerm_managed_disk" "d" {
  disk_encryption_set_id = azurerm_disk_encryption_set.e.id
}`, `
resource "azurerm_managed_disk" "d" { name = "data" }`},
}

// gcpCases are a passing and a failing configuration for every GCP check.
var gcpCases = []checkCase{
	{"terraform.gcp.sql.require-ssl", `
resource "google_sql_database_instance" "d" {
  settings {
    ip_configuration { ssl_mode = "ENCRYPTED_ONLY" }
  }
}`, `
resource "google_sql_database_instance" "d" {
  settings {
    ip_configuration { ipv4_enabled = true }
  }
}`},
	{"terraform.gcp.sql.public-network", `
resource "google_sql_database_instance" "d" {
  settings {
    ip_configuration {
      authorized_networks { value = "203.0.113.0/24" }
    }
  }
}`, `
resource "google_sql_database_instance" "d" {
  settings {
    ip_configuration {
      authorized_networks { value = "0.0.0.0/0" }
    }
  }
}`},
	{"terraform.gcp.sql.backups", `
resource "google_sql_database_instance" "d" {
  settings {
    backup_configuration { enabled = true }
  }
}`, `
resource "google_sql_database_instance" "d" {
  settings { tier = "db-f1-micro" }
}`},
	{"terraform.gcp.sql.cmk", `
resource "google_kms_crypto_key" "k" { name = "sql" }
resource "google_sql_database_instance" "d" { encryption_key_name = google_kms_crypto_key.k.id }`, `
resource "google_sql_database_instance" "d" { name = "ehr" }`},
	{"terraform.gcp.sql.iam-auth", `
resource "google_sql_database_instance" "d" {
  database_version = "POSTGRES_16"
  settings {
    database_flags {
      name  = "cloudsql.iam_authentication"
      value = "on"
    }
  }
}`, `
resource "google_sql_database_instance" "d" { database_version = "MYSQL_8_0" }`},
	{"terraform.gcp.sql.log-connections", `
resource "google_sql_database_instance" "d" {
  database_version = "POSTGRES_16"
  settings {
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
  }
}`, `
resource "google_sql_database_instance" "d" { database_version = "POSTGRES_16" }`},
	{"terraform.gcp.ssl-policy.min-tls", `
resource "google_compute_ssl_policy" "p" { min_tls_version = "TLS_1_2" }`, `
resource "google_compute_ssl_policy" "p" { profile = "MODERN" }`},
	{"terraform.gcp.https-proxy.ssl-policy", `
resource "google_compute_ssl_policy" "p" { min_tls_version = "TLS_1_2" }
resource "google_compute_target_https_proxy" "x" { ssl_policy = google_compute_ssl_policy.p.id }`, `
resource "google_compute_target_https_proxy" "x" { name = "portal" }`},
	{"terraform.gcp.storage.cmk", `
resource "google_kms_crypto_key" "k" { name = "docs" }
resource "google_storage_bucket" "b" {
  encryption { default_kms_key_name = google_kms_crypto_key.k.id }
}`, `
resource "google_storage_bucket" "b" { name = "docs" }`},
	{"terraform.gcp.storage.uniform-access", `
resource "google_storage_bucket" "b" { uniform_bucket_level_access = true }`, `
resource "google_storage_bucket" "b" { name = "docs" }`},
	{"terraform.gcp.storage.versioning", `
resource "google_storage_bucket" "b" {
  versioning { enabled = true }
}`, `
resource "google_storage_bucket" "b" { name = "docs" }`},
	{"terraform.gcp.storage.logging", `
resource "google_storage_bucket" "b" {
  logging { log_bucket = "clinic-logs" }
}`, `
resource "google_storage_bucket" "b" { name = "docs" }`},
	{"terraform.gcp.storage.public", `
resource "google_storage_bucket_iam_member" "m" { member = "group:staff@clinic.example" }`, `
resource "google_storage_bucket_iam_binding" "m" { members = ["allUsers"] }`},
	{"terraform.gcp.kms.rotation", `
resource "google_kms_crypto_key" "k" { rotation_period = "7776000s" }`, `
resource "google_kms_crypto_key" "k" { rotation_period = "31536000s" }`},
	{"terraform.gcp.audit.data-access", `
resource "google_project_iam_audit_config" "a" {
  service = "allServices"
  audit_log_config { log_type = "DATA_READ" }
  audit_log_config { log_type = "DATA_WRITE" }
}`, `
resource "google_project_iam_audit_config" "a" {
  service = "allServices"
  audit_log_config { log_type = "ADMIN_READ" }
}`},
	{"terraform.gcp.compute.disk-cmk", `
resource "google_kms_crypto_key" "k" { name = "disk" }
resource "google_compute_disk" "d" {
  disk_encryption_key { kms_key_self_link = google_kms_crypto_key.k.id }
}`, `
resource "google_compute_disk" "d" { name = "data" }`},
	{"terraform.gcp.bigquery.cmk", `
resource "google_kms_crypto_key" "k" { name = "bq" }
resource "google_bigquery_dataset" "d" {
  default_encryption_configuration { kms_key_name = google_kms_crypto_key.k.id }
}`, `
resource "google_bigquery_dataset" "d" { dataset_id = "claims" }`},
}

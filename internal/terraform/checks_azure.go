package terraform

import (
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

var (
	azStorage = []string{"azurerm_storage_account"}
	azSQL     = []string{"azurerm_mssql_server"}
	azWebApps = []string{"azurerm_linux_web_app", "azurerm_windows_web_app", "azurerm_app_service",
		"azurerm_linux_function_app", "azurerm_windows_function_app"}
	azPostgres = []string{"azurerm_postgresql_server", "azurerm_postgresql_flexible_server",
		"azurerm_mysql_flexible_server"}
)

// azureRules judge storage accounts, SQL, PostgreSQL and MySQL servers,
// App Service, Key Vault, Log Analytics and managed disks.
var azureRules = []rule{
	def("terraform.azure.storage.min-tls", "Storage accounts require TLS 1.2+",
		"A storage account that accepts TLS 1.0 or 1.1 lets clients negotiate deprecated "+
			"protocols for ePHI in transit (164.312(e)(2)(ii); NIST SP 800-52r2 section 3.1; "+
			"CIS Azure 3.15). The provider default is TLS1_2.",
		"Set min_tls_version = \"TLS1_2\".",
		check.High, sgTLS, azStorage, oneOf("min_tls_version", among("TLS1_2", "TLS1_3"), "TLS1_2",
			"min_tls_version")),
	def("terraform.azure.storage.https-only", "Storage accounts refuse plain HTTP",
		"Secure transfer required rejects HTTP and unencrypted SMB (164.312(e)(1); "+
			"CIS Azure 3.1).",
		"Leave https_traffic_only_enabled (enable_https_traffic_only before provider 4.0) "+
			"at its default, true.",
		check.High, sgTransit, azStorage, renamed(
			"https_traffic_only_enabled", "enable_https_traffic_only",
			isTrue("https_traffic_only_enabled", true, "https_traffic_only_enabled"),
			isTrue("enable_https_traffic_only", true, "enable_https_traffic_only"))),
	def("terraform.azure.storage.public-access", "Storage accounts forbid public blob access",
		"allow_nested_items_to_be_public defaults to true: any container can then be made "+
			"readable by anonymous users (164.312(a)(1); CIS Azure 3.7).",
		"Set allow_nested_items_to_be_public = false.",
		check.Critical, sgAccess, azStorage, renamed(
			"allow_nested_items_to_be_public", "allow_blob_public_access",
			isFalse("public nested items (allow_nested_items_to_be_public)", true,
				"allow_nested_items_to_be_public"),
			isFalse("public blob access (allow_blob_public_access)", true,
				"allow_blob_public_access"))),
	def("terraform.azure.storage.cmk", "Storage accounts use a customer-managed key",
		"Microsoft-managed keys cannot be revoked by you; a key in your Key Vault can "+
			"(164.312(a)(2)(iv); NIST SP 800-53 SC-12; CIS Azure 3.12).",
		"Add an azurerm_storage_account_customer_managed_key whose storage_account_id "+
			"references the account, or a customer_managed_key block.",
		check.Medium, sgEncrypt, azStorage, judgeAzureStorageCMK),
	def("terraform.azure.sql.min-tls", "SQL servers require TLS 1.2+",
		"minimum_tls_version below 1.2 (or Disabled) lets clients use deprecated protocols "+
			"(164.312(e)(2)(ii); NIST SP 800-52r2 section 3.1). The provider default is 1.2.",
		"Set minimum_tls_version = \"1.2\".",
		check.High, sgTLS, azSQL, oneOf("minimum_tls_version", among("1.2", "1.3"), "1.2",
			"minimum_tls_version")),
	def("terraform.azure.sql.public-access", "SQL servers are not reachable from public networks",
		"public_network_access_enabled defaults to true (164.312(a)(1); CIS Azure 4.1.2).",
		"Set public_network_access_enabled = false and use a private endpoint.",
		check.High, sgAccess, azSQL, isFalse("public network access", true,
			"public_network_access_enabled")),
	def("terraform.azure.sql.auditing", "SQL servers are audited and keep audit logs 90+ days",
		"Auditing records every login and query against ePHI (164.312(b); NIST SP 800-53 "+
			"AU-2, AU-11; CIS Azure 4.1.1 and 4.1.3).",
		"Add an azurerm_mssql_server_extended_auditing_policy whose server_id references "+
			"the server, with retention_in_days of 90 or more (0 keeps logs forever).",
		check.High, sgAudit, azSQL, judgeSQLAuditing),
	def("terraform.azure.sql.entra-admin", "SQL servers have a Microsoft Entra administrator",
		"Entra ID authentication gives each administrator their own identity with MFA "+
			"instead of a shared SQL login (164.312(d), 164.312(a)(2)(i); CIS Azure 4.1.4).",
		"Add an azuread_administrator block (and azuread_authentication_only = true).",
		check.Medium, sgAuth, azSQL, judgeEntraAdmin),
	def("terraform.azure.postgres.ssl", "PostgreSQL and MySQL servers require TLS 1.2+",
		"Without enforced TLS clients may send ePHI and passwords in plaintext "+
			"(164.312(e)(1), 164.312(e)(2)(ii); CIS Azure 4.3.1 and 4.4.1).",
		"Single server: ssl_enforcement_enabled = true and ssl_minimal_tls_version_enforced "+
			"= \"TLS1_2\"; flexible server: keep require_secure_transport ON.",
		check.High, sgTransit, azPostgres, judgeAzurePostgresSSL),
	def("terraform.azure.appservice.https-only", "App Service apps redirect HTTP to HTTPS",
		"https_only defaults to false: the app answers on plain HTTP (164.312(e)(1); "+
			"CIS Azure 9.2).",
		"Set https_only = true.",
		check.High, sgTransit, azWebApps, isTrue("https_only", false, "https_only")),
	def("terraform.azure.appservice.min-tls", "App Service apps require TLS 1.2+",
		"site_config.minimum_tls_version below 1.2 accepts deprecated protocols "+
			"(164.312(e)(2)(ii); CIS Azure 9.3). The provider default is 1.2.",
		"Set site_config { minimum_tls_version = \"1.2\" }.",
		check.High, sgTLS, azWebApps, judgeAppServiceTLS),
	def("terraform.azure.keyvault.purge-protection", "Key Vaults have purge protection",
		"Without purge protection a deleted key can be purged at once, making every "+
			"backup and disk it encrypted unreadable (164.312(a)(2)(iv), 164.312(c)(1); "+
			"CIS Azure 8.5).",
		"Set purge_protection_enabled = true.",
		check.Medium, sgs(sgEncrypt, sgIntegrity),
		[]string{"azurerm_key_vault"},
		isTrue("purge protection", false, "purge_protection_enabled")),
	def("terraform.azure.keyvault.key-rotation", "Key Vault keys rotate automatically",
		"Automatic rotation limits how much ePHI one key version protects "+
			"(164.312(a)(2)(iv); NIST SP 800-57 part 1 section 5.3).",
		"Add rotation_policy { automatic { time_before_expiry = \"P30D\" } expire_after = "+
			"\"P90D\" }.",
		check.Medium, sgEncrypt, []string{"azurerm_key_vault_key"}, judgeKeyRotationPolicy),
	def("terraform.azure.monitor.log-retention", "Log Analytics workspaces keep logs for a year",
		"The default 30-day retention loses the audit trail before most incidents are "+
			"found (164.312(b); NIST SP 800-53 AU-11).",
		"Set retention_in_days = 365 or more.",
		check.Medium, sgAudit, []string{"azurerm_log_analytics_workspace"},
		atLeast("retention_in_days", 365, 30, "retention_in_days")),
	def("terraform.azure.disk.cmk", "Managed disks use a customer-managed key",
		"Platform-managed keys cannot be revoked by you (164.312(a)(2)(iv); CIS Azure 7.3).",
		"Set disk_encryption_set_id to a disk encryption set backed by your Key Vault key.",
		check.Medium, sgEncrypt, []string{"azurerm_managed_disk"},
		isSet("disk_encryption_set_id", "disk_encryption_set_id")),
}

// renamed judges an argument the provider renamed: by the old name's judge
// when only the old name is set, otherwise by the new name's.
func renamed(newArg, oldArg string, judgeNew, judgeOld func(*index, *Resource) verdict) func(
	*index, *Resource) verdict {
	return func(x *index, r *Resource) verdict {
		if r.get(oldArg).set && !r.get(newArg).set {
			return judgeOld(x, r)
		}
		return judgeNew(x, r)
	}
}

func judgeAzureStorageCMK(x *index, r *Resource) verdict {
	if r.get("customer_managed_key").set {
		return judgeSet(r.get("customer_managed_key", 0, "key_vault_key_id"),
			"customer_managed_key")
	}
	keys := x.companions(r, "azurerm_storage_account_customer_managed_key", "storage_account_id")
	if len(keys) > 0 {
		return pass("%s sets a customer-managed key", keys[0].Address)
	}
	return fail("the account uses Microsoft-managed keys")
}

func judgeSQLAuditing(x *index, r *Resource) verdict {
	policies := x.companions(r, "azurerm_mssql_server_extended_auditing_policy", "server_id")
	if len(policies) == 0 {
		return fail("no extended auditing policy references the server")
	}
	p := policies[0]
	if b, ok := p.get("enabled").boolean(); ok && !b {
		return fail("%s disables auditing", p.Address)
	}
	v := p.get("retention_in_days")
	if v.unknown {
		return unsure(v, "retention_in_days")
	}
	if n, _ := v.number(); !v.set || n == 0 || n >= 90 {
		return pass("audited by %s", p.Address)
	}
	return fail("%s keeps audit logs %v days", p.Address, v.v)
}

func judgeEntraAdmin(_ *index, r *Resource) verdict {
	a := r.get("azuread_administrator")
	if a.unknown {
		return unsure(a, "azuread_administrator")
	}
	if len(a.items()) == 0 {
		return fail("no Microsoft Entra administrator: only SQL logins can administer the server")
	}
	return pass("a Microsoft Entra administrator is configured")
}

var azureTLS12 = among("TLS1_2", "TLS1_3", "TLSV1.2", "TLSV1.3")

func judgeAzurePostgresSSL(x *index, r *Resource) verdict {
	if r.Type == "azurerm_postgresql_server" {
		return allOf(isTrue("ssl_enforcement_enabled", false, "ssl_enforcement_enabled"),
			oneOf("ssl_minimal_tls_version_enforced", azureTLS12, "TLS1_2",
				"ssl_minimal_tls_version_enforced"))(x, r)
	}
	for _, c := range x.companions(r, r.Type+"_configuration", "server_id") {
		name, _ := c.get("name").text()
		v := c.get("value")
		if v.unknown {
			return unsure(v, name)
		}
		s, _ := v.text()
		switch strings.ToLower(name) {
		case "require_secure_transport":
			if !strings.EqualFold(s, "on") {
				return fail("%s sets require_secure_transport = %s", c.Address, s)
			}
		case "ssl_min_protocol_version", "tls_version":
			if strings.Contains(s, "TLSv1,") || s == "TLSv1" || s == "TLSv1.1" ||
				strings.Contains(strings.ToUpper(s), "TLSV1.1") {
				return fail("%s allows %s", c.Address, s)
			}
		}
	}
	return pass("TLS is required (require_secure_transport is ON by default)")
}

func judgeAppServiceTLS(_ *index, r *Resource) verdict {
	v := r.get("site_config", 0, "minimum_tls_version")
	if !v.set {
		v = r.get("site_config", 0, "min_tls_version")
	}
	return judgeOneOf(v, "minimum_tls_version", among("1.2", "1.3"), "1.2")
}

func judgeKeyRotationPolicy(_ *index, r *Resource) verdict {
	auto := r.get("rotation_policy", 0, "automatic")
	if auto.unknown {
		return unsure(auto, "rotation_policy")
	}
	if len(auto.items()) == 0 {
		return fail("no automatic rotation_policy")
	}
	return pass("the key rotates automatically")
}

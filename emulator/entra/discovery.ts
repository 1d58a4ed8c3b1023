// OpenID discovery documents. msal validates that `issuer` has the authority's scheme, host and port,
// so every URL is built from the origin the client used (its Host header), per tenant.

const GENERIC_TENANTS = ["common", "organizations", "consumers"];

export function openIdConfiguration(origin: string, tenant: string): Record<string, unknown> {
    const base = `${origin}/${tenant}`;
    const issuerTenant = GENERIC_TENANTS.includes(tenant.toLowerCase()) ? "{tenantid}" : tenant;
    return {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: `${origin}/${issuerTenant}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${origin}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "tid", "ver", "oid"],
        kerberos_endpoint: `${base}/kerberos`,
        tenant_region_scope: "NA",
        cloud_instance_name: "microsoftonline.com",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host: "graph.microsoft.com",
        rbac_url: "https://pas.windows.net",
    };
}

/** Answer of `GET /common/discovery/instance`, for clients that do not disable instance discovery. */
export function instanceDiscovery(origin: string, authorizationEndpoint: string | null): Record<string, unknown> {
    const host = new URL(origin).host;
    return {
        tenant_discovery_endpoint: authorizationEndpoint
            ? authorizationEndpoint.replace(/\/oauth2\/v2\.0\/authorize$/, "/v2.0/.well-known/openid-configuration")
            : `${origin}/common/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
}

// A real, OpenID-certified provider (panva/oidc-provider) for the console's sign-in tests,
// configured as the organisation's identity provider would be for OpsPact: the console is a
// confidential client using the authorization code flow with PKCE; access tokens are JWTs
// for the resource `opspact` carrying the `tenants` and `roles` claims the gateway expects.
// Its development-only sign-in pages (devInteractions) stand for the organisation's login.
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_URI,
// ACCOUNTS (JSON: {"<login>": {"tenants": [...], "roles": [...]}}), ACCESS_TTL (seconds).
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');
const grantsOf = (id) => accounts[id] || { tenants: [], roles: [] };

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    post_logout_redirect_uris: [process.env.POST_LOGOUT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'offline_access', 'opspact'],
  claims: { openid: ['sub'], opspact: ['tenants', 'roles'] },
  conformIdTokenClaims: false, // the ID token carries tenants and roles too
  findAccount: (ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...grantsOf(id) }) }),
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:opspact:api', // RFC 8707: an absolute URI; the audience below
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'opspact', audience: 'opspact', accessTokenFormat: 'jwt',
        accessTokenTTL: Number(process.env.ACCESS_TTL || 300),
      }),
    },
  },
  extraTokenClaims: async (ctx, token) => {
    if (token.kind !== 'AccessToken') return undefined;
    const { tenants, roles } = grantsOf(token.accountId);
    return { tenants, roles };
  },
  ttl: { IdToken: 300, Session: 3600, Grant: 3600, Interaction: 600, RefreshToken: 3600 },
});

provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));

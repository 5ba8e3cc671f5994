import { addressAllowed, DEPLOYED_HOST_POLICY, hostRefusal, LOCAL_HOST_POLICY, parseCidr, type CrmHostPolicy } from '../../lib/domain/crm-host-policy';
import { ConfigurationError, loadConfig } from '../../lib/config/app-config';

describe('which addresses a lookup source may reach', () => {
  const special = [
    '169.254.169.254', // EC2 / GCP / Azure instance metadata
    '169.254.170.2', // ECS task metadata
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.5',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '192.0.0.192',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fd00:ec2::254', // EC2 IPv6 metadata
    'fe80::1',
    'fc00::1',
    '::ffff:169.254.169.254',
    '::ffff:7f00:1', // ::ffff:127.0.0.1 written in hex
    '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
    '2002:a9fe:a9fe::1', // 6to4 of 169.254.169.254
  ];

  it.each(special)('refuses %s on a deployed stage', (address) => {
    expect(addressAllowed(address, DEPLOYED_HOST_POLICY)).toBe(false);
  });

  it('allows public addresses', () => {
    for (const address of ['8.8.8.8', '93.184.216.34', '2a00:1450:4001:81b::200e', '::ffff:8.8.8.8'])
      expect([address, addressAllowed(address, DEPLOYED_HOST_POLICY)]).toEqual([address, true]);
  });

  it('refuses anything that is not an IP address', () => {
    expect(addressAllowed('crm.example.com', DEPLOYED_HOST_POLICY)).toBe(false);
    expect(addressAllowed('', LOCAL_HOST_POLICY)).toBe(false);
  });

  it('lets the local stage reach loopback (the fake CRMs), and nothing else special', () => {
    expect(addressAllowed('127.0.0.1', LOCAL_HOST_POLICY)).toBe(true);
    expect(addressAllowed('::1', LOCAL_HOST_POLICY)).toBe(true);
    for (const address of ['169.254.169.254', '10.0.0.5', '192.168.1.1', 'fd00:ec2::254'])
      expect([address, addressAllowed(address, LOCAL_HOST_POLICY)]).toEqual([address, false]);
  });

  it('allows a private range only when the stage lists it', () => {
    const privateCrm: CrmHostPolicy = { allowHttp: false, allowedCidrs: ['10.20.0.0/16', 'fd12:3456::/32'] };
    expect(addressAllowed('10.20.3.4', privateCrm)).toBe(true);
    expect(addressAllowed('fd12:3456::9', privateCrm)).toBe(true);
    expect(addressAllowed('10.21.0.1', privateCrm)).toBe(false);
    expect(addressAllowed('169.254.169.254', privateCrm)).toBe(false);
  });
});

describe('a lookup source host as written', () => {
  it('refuses http on a deployed stage and allows it locally', () => {
    expect(hostRefusal('http://crm.example.com/', DEPLOYED_HOST_POLICY)).toBe('insecure-scheme');
    expect(hostRefusal('https://crm.example.com/', DEPLOYED_HOST_POLICY)).toBeUndefined();
    expect(hostRefusal('http://127.0.0.1:8080/', LOCAL_HOST_POLICY)).toBeUndefined();
  });

  it('refuses credentials in the URL on every stage', () => {
    for (const host of ['http://user:pw@127.0.0.1:8080/', 'https://user@crm.example.com', 'https://:pw@crm.example.com/']) {
      expect(hostRefusal(host, LOCAL_HOST_POLICY)).toBe('url-credentials');
      expect(hostRefusal(host, DEPLOYED_HOST_POLICY)).toBe('url-credentials');
    }
  });

  it('refuses hosts written as special addresses, in any spelling, and localhost', () => {
    for (const host of [
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00:ec2::254]/',
      'https://0xa9.0xfe.0xa9.0xfe/',
      'https://2852039166/',
      'https://localhost:8443/',
      'https://crm.localhost/',
      'https://[::ffff:169.254.169.254]/',
    ]) {
      expect([host, hostRefusal(host, DEPLOYED_HOST_POLICY)]).toEqual([host, 'address-not-allowed']);
    }
    expect(hostRefusal('http://169.254.169.254/latest/meta-data', LOCAL_HOST_POLICY)).toBe('address-not-allowed');
  });

  it('refuses what is no http(s) URL', () => {
    expect(hostRefusal('ftp://crm.example.com', LOCAL_HOST_POLICY)).toBe('bad-url');
    expect(hostRefusal('not a url', LOCAL_HOST_POLICY)).toBe('bad-url');
  });
});

describe('the host policy per stage (configuration)', () => {
  const deployed = { AWS_LAMBDA_FUNCTION_NAME: 'admin', PUBLIC_BASE_URL: 'https://ivr.example.com', TWILIO_AUTH_TOKEN: 't', STAGE: 'prod' };

  it('is https to public addresses on deployed stages, and http plus loopback on stage local', () => {
    expect(loadConfig(deployed).crm.hostPolicy).toEqual({ allowHttp: false, allowedCidrs: [] });
    expect(loadConfig({}).crm.hostPolicy).toEqual(LOCAL_HOST_POLICY);
    // A deployed-like stage run locally (tests of the deployed behaviour) gets the deployed rules.
    expect(loadConfig({ STAGE: 'staging' }).crm.hostPolicy).toEqual({ allowHttp: false, allowedCidrs: [] });
  });

  it('takes CRM_ALLOW_HTTP and CRM_ALLOWED_CIDRS per stage, and refuses a malformed range at start', () => {
    expect(loadConfig({ ...deployed, CRM_ALLOW_HTTP: 'true', CRM_ALLOWED_CIDRS: '10.20.0.0/16, fd12::/16' }).crm.hostPolicy).toEqual({
      allowHttp: true,
      allowedCidrs: ['10.20.0.0/16', 'fd12::/16'],
    });
    expect(loadConfig({ CRM_ALLOWED_CIDRS: 'none' }).crm.hostPolicy.allowedCidrs).toEqual([]);
    expect(() => loadConfig({ ...deployed, CRM_ALLOWED_CIDRS: '10.20.0.0/33' })).toThrow(ConfigurationError);
    expect(() => loadConfig({ ...deployed, CRM_ALLOWED_CIDRS: 'crm.internal' })).toThrow(/CRM_ALLOWED_CIDRS/);
    expect(() => loadConfig({ ...deployed, CRM_ALLOW_HTTP: 'yes' })).toThrow(/CRM_ALLOW_HTTP/);
    expect(parseCidr('::1/128')).toEqual({ network: '::1', prefix: 128, family: 'ipv6' });
  });
});

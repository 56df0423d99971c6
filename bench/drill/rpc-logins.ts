import { jsonRpcMember } from './jsonrpc-member.ts';
import { xmlRpcMember, type Exec } from './xmlrpc-member.ts';

/** A logged-in demo user (password = login) of a drill load, and the protocol it speaks. */
export interface RpcLogin {
  login: string;
  uid: number;
  exec: Exec;
  channel: 'xmlrpc' | 'jsonrpc';
}

const pad = (n: number) => String(n).padStart(3, '0');

/**
 * The demo users `<role>001@hp.example`… logged in through the gateway, alternately over plain
 * XML-RPC (odd numbers) and JSON-RPC's `/jsonrpc` (even), as Odoo's external API documentation
 * writes both clients.
 */
export async function rpcLogins(gatewayUrl: string, database: string, role: 'member' | 'coach' | 'operator' | 'merchant', count: number): Promise<RpcLogin[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const login = `${role}${pad(i + 1)}@hp.example`;
      const channel = i % 2 === 0 ? 'xmlrpc' : 'jsonrpc';
      const client = channel === 'xmlrpc' ? xmlRpcMember(gatewayUrl, database, login) : jsonRpcMember(gatewayUrl, database, login);
      await client.login();
      return { login, uid: client.uid(), exec: client.exec, channel } satisfies RpcLogin;
    }),
  );
}

/**
 * The built-in ledger: the embedded default CRM, kept in one DynamoDB table.
 *
 *   pk CUST#<id>      sk #PHONE-PASSWORD          telephone password: scrypt hash only (lib/auth/password-hash)
 *   pk CUST#<id>      sk #PROFILE                 customer as imported
 *   pk CUST#<id>      sk #SUMMARY                 profile + balances per currency + item count + version, kept
 *                                                 by the writer (customer-summary.ts); index byList (listShard, id)
 *   pk CUST#<id>      sk ITEM#<type>#<number>     billable item
 *   pk PHONE#<e164>   sk CUST#<id>                phone index: the customer and a copy of the summary's
 *                                                 balances (caller → identity and balance in one keyed read)
 *   pk CUSTNO#<n>     sk CUST#<id>                customer-number index (the customer)
 *   pk NAME#<2 chars> sk <token>#<id>             name search: words of the name, the customer number, the id
 *   pk ACCOUNTS       sk ACC#<key>                money account
 *   pk IMPORT         sk JOB#<job id>             bulk import job (lib/ledger/import/import-job.ts)
 *
 * Nothing here reads a customer's items to answer a call: the summary and its copies are
 * recomputed by the writer after every write to the customer, conditionally on their version.
 *
 * Currencies: a money account keeps one currency, an item is kept in its own currency (set
 * at import: its account's, else the ledger's), and the ledger's currency (LEDGER_CURRENCY,
 * default IRR) covers records that name none. A module asks for the balance in its currency
 * and hears the customer's items in that currency, summed exactly.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { verifyPhonePassword } from '../auth/password-hash';
import { INVOICE_TYPES } from '../config/module-constants';
import { canonicalPhone } from '../domain/phone';
import type { Crm, IdentityWithBalance } from '../crm/crm';
import type { BalanceResult } from '../domain/balance';
import { INVOICE_TYPE_NAMES_EN, type BillableItemType, type ItemQuery, type ItemResult, type MoneyAccount } from '../domain/billable-item';
import type { Customer, IdentityResult, PasswordCheck } from '../domain/customer';
import type { PaymentLinkRequest, PaymentLinkResult } from '../domain/payment-link';
import type { OwnPaymentLinks } from '../payments/payment-links';
import { queryPartition } from '../aws/paged-reads';
import { isCurrencyCode, type CurrencyCode } from '../domain/money';
import { itemAmount, itemCurrency, LedgerAmountError, ledgerBalance } from './ledger-balance';
import type { ItemRecord } from './ledger-records';
import { storedBalance, type StoredBalances } from './customer-summary';
import { CrmError } from '../crm/crm-errors';

/** Sort key of a customer's telephone-password hash row. */
export const PHONE_PASSWORD_SK = '#PHONE-PASSWORD';

export class LedgerCrm implements Crm {
  readonly source = 'ledger';

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly defaultCountryCode = '98',
    private readonly links?: OwnPaymentLinks,
    /** LEDGER_CURRENCY: the currency of accounts and items that name none. */
    private readonly ledgerCurrency: CurrencyCode = 'IRR',
  ) {}

  async identifyByPhone(phone: string): Promise<IdentityResult> {
    const canonical = canonicalPhone(phone, this.defaultCountryCode);
    if (!canonical) return { status: 'not-found' };
    return this.identifyByIndex(`PHONE#${canonical}`);
  }

  async identifyByCustomerNumber(customerNumber: string): Promise<IdentityResult> {
    return this.identifyByIndex(`CUSTNO#${customerNumber.trim()}`);
  }

  /**
   * The caller and their balance in `currency` from one keyed read: the phone index row carries
   * the customer and a copy of the summary's balances. A row written before summaries existed
   * has no copy: then only the identity is answered and the caller asks balance() as before.
   */
  async identifyWithBalance(phone: string, currency: CurrencyCode): Promise<IdentityWithBalance> {
    const canonical = canonicalPhone(phone, this.defaultCountryCode);
    if (!canonical) return { status: 'not-found' };
    const row = await this.indexRow(`PHONE#${canonical}`);
    if (!row) return { status: 'not-found' };
    const customer = row.customer as Customer;
    if (typeof row.version !== 'number') return { status: 'found', customer };
    let balance: BalanceResult;
    try {
      balance = this.balanceAnswer(row as unknown as StoredBalances, currency);
    } catch (error) {
      // The caller is known; only the balance cannot be said (the flow apologises as for balance()).
      if (!(error instanceof CrmError)) throw error;
      balance = { status: 'failed', source: this.source, reason: error.reason };
    }
    return { status: 'found', customer, balance };
  }

  /**
   * From the customer's summary (one keyed read), or from the items for a customer stored
   * before summaries existed. Throws a CrmError (`unreadable-amount`, `amount-out-of-range`)
   * rather than count an unreadable amount as 0.
   */
  async balance(customer: Customer, currency: CurrencyCode): Promise<BalanceResult> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `CUST#${customer.id}`, sk: '#SUMMARY' }, ConsistentRead: true }),
    );
    if (Item && typeof Item.version === 'number') return this.balanceAnswer(Item as unknown as StoredBalances, currency);
    const items = await this.items(customer.id);
    const { owed, credit } = ledgerBalance(items, currency, this.ledgerCurrency);
    return { status: 'ok', owed, credit };
  }

  private balanceAnswer(stored: StoredBalances, currency: CurrencyCode): BalanceResult {
    const { owed, credit } = storedBalance({ nets: stored.nets ?? {}, ...(stored.unreadable ? { unreadable: stored.unreadable } : {}) }, currency);
    return { status: 'ok', owed, credit };
  }

  async findItem(customer: Customer, query: ItemQuery): Promise<ItemResult> {
    const wanted = query.number.trim();
    const items = await queryPartition(this.client, this.tableName, `CUST#${customer.id}`, `ITEM#${query.type}#`);
    const match = (items as unknown as ItemRecord[]).find((item) => {
      const value = query.searchField === 'Number' ? item.number : item.fields[query.searchField];
      return value !== undefined && String(value).trim() === wanted;
    });
    // An item kept in another currency is not this module's to pay.
    if (!match || itemCurrency(match, this.ledgerCurrency) !== query.currency) return { status: 'not-found' };
    const amount = itemAmount(match, query.valueField, this.ledgerCurrency);
    if (!amount.ok) {
      if (amount.problem === 'missing') return { status: 'not-found' };
      throw new LedgerAmountError(match, query.valueField, amount.problem);
    }
    if (amount.minor <= 0) return { status: 'not-found' };
    return {
      status: 'found',
      item: {
        type: match.type,
        number: match.number,
        amount: amount.minor,
        paid: match.status === 'paid',
        ...(match.moneyAccount ? { moneyAccount: match.moneyAccount } : {}),
      },
    };
  }

  /** The product's own signed link (lib/payments); the product sends the SMS. */
  async createPaymentLink(request: PaymentLinkRequest): Promise<PaymentLinkResult> {
    if (!this.links) return { status: 'failed', source: this.source, reason: 'payment-links-not-configured' };
    const link = await this.links.issue(request);
    return { status: 'created', url: link.url, deliveredByCrm: false, reference: link.id };
  }

  async moneyAccounts(): Promise<MoneyAccount[]> {
    const rows = await queryPartition(this.client, this.tableName, 'ACCOUNTS');
    return rows.map((row) => ({ key: String(row.key), name: String(row.name), currency: isCurrencyCode(row.currency) ? row.currency : this.ledgerCurrency }));
  }

  async itemTypes(): Promise<BillableItemType[]> {
    return INVOICE_TYPES.map((type) => ({ key: type, name: INVOICE_TYPE_NAMES_EN[type], type }));
  }

  async verifyPhonePassword(customer: Customer, password: string): Promise<PasswordCheck> {
    const rows = await queryPartition(this.client, this.tableName, `CUST#${customer.id}`, PHONE_PASSWORD_SK);
    const hash = rows.find((row) => row.sk === PHONE_PASSWORD_SK)?.hash;
    // No password set: the same scrypt work against a decoy, and a mismatch.
    const match = await verifyPhonePassword(password, typeof hash === 'string' ? hash : undefined);
    return { status: match ? 'match' : 'mismatch' };
  }

  /** Every billable item of one customer (one Query; the profile row is skipped). */
  async items(customerId: string): Promise<ItemRecord[]> {
    const rows = await queryPartition(this.client, this.tableName, `CUST#${customerId}`, 'ITEM#');
    return rows as unknown as ItemRecord[];
  }

  private async identifyByIndex(pk: string): Promise<IdentityResult> {
    const row = await this.indexRow(pk);
    if (!row) return { status: 'not-found' };
    return { status: 'found', customer: row.customer as Customer };
  }

  /** The first index row of a phone or customer number (one keyed read; strongly consistent, so a payment just made is heard). */
  private async indexRow(pk: string): Promise<Record<string, unknown> | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Items?.[0];
  }
}

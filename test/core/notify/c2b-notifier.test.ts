// C2B outbox rows through the real worker: claimed and loaded as C2B views beside STK rows, rendered, and delivered by
// the real notifier to the fake Bot API (SQLite and MariaDB).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOutboxQueue } from "../../../src/core/store/outbox-queue.ts";
import { renderNotification } from "../../../src/core/notify/messages.ts";
import { testDialects } from "../../support/databases.ts";
import { ADMIN_CHAT, OutboxBench } from "../../support/outbox.ts";
import { htmlProblem } from "../../support/fake-telegram.ts";
import { item, success, uniqueId } from "../../support/callbacks.ts";
import { c2bEvent, insertC2bPayment, insertValidation, queueC2bEvents, uniqueReceipt } from "../store/c2b-rows.ts";

const masked = { showPhone: false };

describe.each(await testDialects())("C2B notifications on %s", (dialect) => {
  let bench: OutboxBench;
  beforeAll(async () => {
    bench = await OutboxBench.open(dialect);
  });
  afterAll(async () => {
    await bench.close();
  });

  test("claimed beside an STK row: each loads as its family's view and renders", async () => {
    const [paid, rejected] = [uniqueReceipt(), uniqueReceipt()];
    await bench.addUser("61001", "254711000001", "Wanjiru");
    await insertC2bPayment(bench.db, { transId: paid, transactionType: "Buy Goods", amount: "250.50", billRefNumber: "TILL-1",
      msisdn: "2547 ***** 126", msisdnKind: "masked", firstName: "JOHN", checkoutRequestId: "ws_CO_LINKED1", transTime: "2025-01-15 07:31:12" });
    await insertC2bPayment(bench.db, { transId: rejected, validationRejected: true, msisdn: "ab".repeat(32), msisdnKind: "hashed" });
    await insertValidation(bench.db, rejected, "C2B00012", "account-pattern");
    await queueC2bEvents(bench.db, [c2bEvent(paid, "admin", ADMIN_CHAT), c2bEvent(paid, "receipt", "61001"), c2bEvent(rejected, "conflict", ADMIN_CHAT)]);
    await bench.store.writeBatch([item(success(uniqueId(), uniqueReceipt()))]); // an STK alert in the same claim

    const claimed = await createOutboxQueue(bench.db).claim("test-owner", 50, 60_000);
    expect(claimed.map((c) => `${c.view.family ?? "stk"} ${c.view.kind} ${c.recipient}`)).toEqual([
      `c2b admin ${ADMIN_CHAT}`, "c2b receipt 61001", `c2b conflict ${ADMIN_CHAT}`, `stk admin ${ADMIN_CHAT}`,
    ]);
    const [admin, receipt, conflict] = claimed.map((c) => c.view);
    expect(admin).toEqual({
      family: "c2b", kind: "admin", eventKey: "status:Paid", validation: null, payerName: null,
      payment: {
        transId: paid, transactionType: "Buy Goods", status: "Paid", amountCents: 25050, billRefNumber: "TILL-1", businessShortCode: "600984",
        msisdn: "2547 ***** 126", msisdnKind: "masked", firstName: "JOHN", paidAt: new Date("2025-01-15T07:31:12Z"), checkoutRequestId: "ws_CO_LINKED1",
      },
    });
    expect(receipt?.family === "c2b" ? receipt.payerName : null).toBe("Wanjiru");
    expect(conflict?.family === "c2b" ? conflict.validation : "not c2b").toEqual({ resultCode: "C2B00012", rule: "account-pattern", fallback: false });

    const texts = claimed.map((c) => renderNotification(c.view, masked));
    for (const t of texts) expect(htmlProblem(t)).toBeNull();
    expect(texts[0]).toContain("<b>✅ Till payment received</b>\nAmount: <b>KES 250.50</b>");
    expect(texts[0]).toContain("Phone: 2547 ***** 126");
    expect(texts[0]).toContain("Linked STK payment: <code>ws_CO_LINKED1</code>");
    expect(texts[1]).toContain("Hello Wanjiru, thank you: we received <b>KES 250.50</b>.");
    expect(texts[2]).toContain("<b>⚠️ Paid although our validation rejected it</b>\nOur answer: rejected with C2B00012 (rule: account-pattern)");
    expect(texts[2]).toContain("Phone: hidden by Safaricom");
    expect(texts[3]).toContain("<b>✅ Payment received</b>");
    await createOutboxQueue(bench.db).release(claimed.map((c) => c.id), "test-owner");
    await bench.startNotifier();
    await bench.settle(4);
  }, 60_000);

  test("end to end: the real notifier delivers a C2B admin alert and the payer's receipt to the fake Bot API", async () => {
    const before = (await bench.rows()).length;
    const receipt = uniqueReceipt();
    await bench.addUser("62002", "254722000002", "Otieno");
    await insertC2bPayment(bench.db, { transId: receipt, transactionType: "Pay Bill", amount: "1500.00", billRefNumber: "ACC <42> & co",
      msisdn: "254722000002", msisdnKind: "plain" });
    await queueC2bEvents(bench.db, [c2bEvent(receipt, "admin", ADMIN_CHAT), c2bEvent(receipt, "receipt", "62002")]);
    await bench.startNotifier();
    const rows = (await bench.settle(before + 2)).slice(before);
    expect(rows.map((r) => `${r.kind} ${r.recipient} ${r.status}`)).toEqual([`admin ${ADMIN_CHAT} sent`, "receipt 62002 sent"]);
    const alert = bench.fake.deliveredTo(ADMIN_CHAT).find((d) => d.text.includes(receipt));
    const payer = bench.fake.deliveredTo("62002");
    expect(alert?.text).toBe([
      "<b>✅ PayBill payment received</b>", "Amount: <b>KES 1,500.00</b>", `Receipt: <code>${receipt}</code>`, "Account: ACC &lt;42&gt; &amp; co",
      "Paid by: Amina", "Phone: 2547******02", "Time: 2025-01-15 10:31:12 EAT", "Short code: 600984",
    ].join("\n"));
    expect(alert?.parseMode).toBe("HTML");
    expect(payer.map((d) => d.text)).toEqual([[
      "<b>✅ Payment received</b>", "Hello Otieno, thank you: we received <b>KES 1,500.00</b>.", `M-Pesa receipt: <code>${receipt}</code>`,
      "For: ACC &lt;42&gt; &amp; co", "Time: 2025-01-15 10:31:12 EAT",
    ].join("\n")]);
    expect(rows.map((r) => r.message)).toEqual([alert?.text ?? "", payer[0]?.text ?? ""]);
  }, 60_000);
});

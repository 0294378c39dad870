// Log lines about notifications quote Telegram's error text: phone numbers in it are masked (DESIGN.md promise 7).
import { maskPhone } from "../phone.ts";

/** Every run of 9 to 15 digits (a phone number, a chat id) masked as `2547******49`. */
export function maskDigits(text: string): string {
  return text.replace(/\d{9,15}/g, (digits) => maskPhone(digits));
}

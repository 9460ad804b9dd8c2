/**
 * A request path with the secret in it replaced, for logs and error
 * messages: invitation links (/invite/…, the SMS short link /i/…), account
 * links (/account/…) and sign-up verification links (/sign-up/verify/…).
 */
export const redactPath = (url: string): string => url.replace(/\/(invite|i|account|sign-up\/verify)\/[^/?#]+/, '/$1/[token]');

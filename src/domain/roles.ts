// Who a token or a console user acts as.
export type Role = 'operator' | 'supervisor' | 'admin'
export const roles: readonly Role[] = ['operator', 'supervisor', 'admin']

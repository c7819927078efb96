/** The five template categories. The slug is the URL segment; the label is what users read. */
export const CATEGORIES = [
  { slug: 'general', label: '通用', description: '适用于各类岗位的工作交接与人员变动制度' },
  { slug: 'sales', label: '销售/业务', description: '业务人员、客户与合同的交接及维护' },
  { slug: 'operations', label: '运营', description: '运营岗位、门店与系统账号的交接' },
  { slug: 'customer-service', label: '客服', description: '客服岗位与客户资料的交接和保密' },
  { slug: 'institutional', label: '机关/院校', description: '机关、事业单位与院校的工作变动交接' },
] as const;

export type CategorySlug = (typeof CATEGORIES)[number]['slug'];

export const CATEGORY_SLUGS = CATEGORIES.map((c) => c.slug) as [CategorySlug, ...CategorySlug[]];

export function categoryLabel(slug: CategorySlug): string {
  return CATEGORIES.find((c) => c.slug === slug)!.label;
}

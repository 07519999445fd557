/** The Huizhi mark: a red seal with three lines joined by a stroke (汇, "gathering"). */
export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill="#c8282d" />
      <path
        d="M18 20h28M18 32h28M18 44h28M32 14v36"
        stroke="#fff"
        strokeWidth="6"
        strokeLinecap="round"
        fill="none"
      />
    </svg>
  );
}

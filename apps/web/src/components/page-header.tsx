import type { ReactNode } from 'react';
import { Typography } from 'antd';

/** The title block at the top of each page, with an optional description and actions. */
export function PageHeader({
  title,
  description,
  extra,
  testId,
}: {
  title: ReactNode;
  description?: ReactNode;
  extra?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="page-header">
      <div className="page-header-text">
        <Typography.Title level={3} className="page-title" data-testid={testId ?? 'page-title'}>
          {title}
        </Typography.Title>
        {description ? <Typography.Text type="secondary">{description}</Typography.Text> : null}
      </div>
      {extra ? <div className="page-header-extra">{extra}</div> : null}
    </div>
  );
}

import { useState, type ReactNode } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { Button, Grid, Layout, Menu, Space, Tooltip } from 'antd';
import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  ClusterOutlined,
  FileAddOutlined,
  ImportOutlined,
  MessageOutlined,
  ProfileOutlined,
  TagsOutlined,
  HomeOutlined,
  LogoutOutlined,
  MenuOutlined,
  NotificationOutlined,
  SoundOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { NavKey } from '@huizhi/domain';
import { useCurrentUser, useLogout } from '../auth';
import { useLocale } from '../i18n';
import { LanguageSwitch } from '../components/language-switch';
import { distinctRoles, RoleTag } from '../components/labels';
import { BrandMark } from '../components/brand';
import { NotificationBell } from '../components/notification-bell';

const { Header, Sider, Content } = Layout;

/** Where each navigation entry leads, and its icon. */
export const NAV_ROUTES: Record<NavKey, { path: string; icon: ReactNode }> = {
  home: { path: '/', icon: <HomeOutlined /> },
  appeals: { path: '/appeals', icon: <ProfileOutlined /> },
  appealIntake: { path: '/intake', icon: <FileAddOutlined /> },
  myAppeals: { path: '/portal', icon: <MessageOutlined /> },
  appealImport: { path: '/appeal-imports', icon: <ImportOutlined /> },
  whistleBoard: { path: '/whistles', icon: <SoundOutlined /> },
  whistleInbox: { path: '/whistle-inbox', icon: <NotificationOutlined /> },
  stewards: { path: '/stewards', icon: <ClusterOutlined /> },
  stewardTasks: { path: '/steward-tasks', icon: <SolutionOutlined /> },
  territories: { path: '/territories', icon: <ApartmentOutlined /> },
  territoryImport: { path: '/territory-import', icon: <CloudUploadOutlined /> },
  units: { path: '/units', icon: <BankOutlined /> },
  categories: { path: '/categories', icon: <TagsOutlined /> },
  calendar: { path: '/calendar', icon: <CalendarOutlined /> },
  users: { path: '/users', icon: <TeamOutlined /> },
  audit: { path: '/audit', icon: <AuditOutlined /> },
  account: { path: '/account', icon: <UserOutlined /> },
};

function navKeyOfPath(pathname: string): NavKey | null {
  const first = pathname.split('/')[1] ?? '';
  if (first === '') return 'home';
  // A grid's page belongs to the territories entry (it is reached from the map).
  if (first === 'grids') return 'territories';
  const entry = (Object.keys(NAV_ROUTES) as NavKey[]).find((key) => NAV_ROUTES[key].path === `/${first}`);
  return entry ?? null;
}

const LG_BREAKPOINT = 992;

/** The signed-in frame: header with the person and language, a menu of exactly `me.nav`, the page. */
export function AppLayout() {
  const me = useCurrentUser();
  const { m } = useLocale();
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const [collapsed, setCollapsed] = useState(() => window.innerWidth < LG_BREAKPOINT);
  const [isNarrow, setIsNarrow] = useState(() => window.innerWidth < LG_BREAKPOINT);
  const pathKey = navKeyOfPath(location.pathname);
  // A summoned department opens a whistle from its inbox, not from the board it does not have.
  const selected = pathKey === 'whistleBoard' && !me.nav.includes(pathKey) ? 'whistleInbox' : pathKey;
  const roles = distinctRoles(me.assignments);

  const menuItems = me.nav.map((key) => ({
    key,
    icon: NAV_ROUTES[key].icon,
    label: <span data-testid={`nav-${key}`}>{m.nav[key]}</span>,
  }));

  return (
    <Layout className="app-shell">
      <Header className="app-header" data-testid="app-header">
        {isNarrow ? (
          <Button
            type="text"
            className="header-icon-button"
            aria-label={m.header.openMenu}
            data-testid="menu-toggle"
            icon={<MenuOutlined />}
            onClick={() => setCollapsed((value) => !value)}
          />
        ) : null}
        <div className="brand" onClick={() => void navigate('/')} role="link" tabIndex={0}>
          <BrandMark size={30} />
          <span className="brand-name" data-testid="app-name">
            {m.app.name}
          </span>
          {screens.md ? <span className="brand-tagline">{m.app.tagline}</span> : null}
        </div>
        <div className="header-spacer" />
        <Space size={screens.sm ? 16 : 8} className="header-right">
          <Space size={6} className="header-user">
            {screens.sm ? <UserOutlined /> : null}
            <span data-testid="user-display-name" className="header-user-name">
              {me.user.displayName}
            </span>
            {screens.md ? (
              <span className="header-roles" data-testid="user-roles">
                {roles.map((role) => (
                  <RoleTag key={role} role={role} />
                ))}
              </span>
            ) : null}
          </Space>
          {me.nav.includes('appeals') ? <NotificationBell /> : null}
          <LanguageSwitch size="small" />
          <Tooltip title={screens.sm ? undefined : m.header.logout}>
            <Button
              data-testid="logout"
              className="header-logout"
              icon={<LogoutOutlined />}
              onClick={() => void logout()}
              aria-label={m.header.logout}
            >
              {screens.sm ? m.header.logout : null}
            </Button>
          </Tooltip>
        </Space>
      </Header>
      <Layout className="app-body">
        <Sider
          theme="light"
          width={208}
          breakpoint="lg"
          collapsedWidth={0}
          collapsed={collapsed}
          trigger={null}
          onBreakpoint={(broken) => {
            setIsNarrow(broken);
            setCollapsed(broken);
          }}
          className={isNarrow ? 'app-sider app-sider-overlay' : 'app-sider'}
          data-testid="sider"
        >
          <Menu
            mode="inline"
            className="app-menu"
            selectedKeys={selected ? [selected] : []}
            items={menuItems}
            onClick={({ key }) => {
              void navigate(NAV_ROUTES[key as NavKey].path);
              if (isNarrow) setCollapsed(true);
            }}
          />
        </Sider>
        {isNarrow && !collapsed ? <div className="sider-mask" onClick={() => setCollapsed(true)} /> : null}
        <Content className="app-content">
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
